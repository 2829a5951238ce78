"""``rasd serve``: the web page and its API over the store (``app.py``; contract in ``API.md``)."""

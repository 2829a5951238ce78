// Labels of the page, Arabic first. Data (article text, names as stored) is never translated.
"use strict";
(function () {
  const ar = {
    "app.title": "رصد", "app.subtitle": "أحداث النزاع من الأخبار العربية",
    "filters.title": "التصفية", "f.q": "بحث في النص", "f.country": "البلد", "f.admin1": "المحافظة",
    "f.event_type": "نوع الحدث", "f.sub_event_type": "النوع الفرعي", "f.actor": "طرف",
    "f.outlet": "المصدر الإعلامي", "f.date_from": "من تاريخ", "f.date_to": "إلى تاريخ",
    "f.in_view": "ما في حدود الخريطة فقط", "f.include_rejected": "إظهار الأحداث المرفوضة",
    "f.reset": "مسح التصفية", "f.all": "الكل",
    "map.options": "الخريطة", "map.online": "خلفية OpenStreetMap (تتطلب الإنترنت)", "map.in_table": "عرض الأحداث الـ{n} في الجدول",
    "map.tiles_failed": "تعذّر تحميل خلفية OpenStreetMap؛ تبقى الحدود المضمّنة.",
    "timeline.title": "الخط الزمني (اسحب لتحديد فترة)", "timeline.clear": "كل التواريخ",
    "col.date": "التاريخ", "col.type": "النوع", "col.actors": "الأطراف", "col.location": "المكان",
    "col.admin1": "المحافظة", "col.country": "البلد", "col.fatalities": "القتلى", "col.sources": "المصادر",
    "pager.prev": "السابق", "pager.next": "التالي", "pager.info": "{a}–{b} من {n}",
    "loading": "جارٍ التحميل…", "empty": "لا أحداث تطابق التصفية",
    "error": "خطأ: {msg}",
    "ev.close": "إغلاق", "ev.fields": "الحقول", "ev.more": "حقول أخرى", "ev.sources": "المصادر ({n})", "ev.corrections": "التصحيحات",
    "ev.edit": "تصحيح", "ev.save": "حفظ", "ev.cancel": "إلغاء", "ev.note": "ملاحظة",
    "ev.reject": "رفض الحدث", "ev.restore": "استعادة الحدث", "ev.rejected": "مرفوض",
    "ev.corrected": "مصحَّح", "ev.original": "قيمة النظام: {v}", "ev.saved": "حُفظ التصحيح",
    "ev.article": "نص المقال", "ev.open_url": "الرابط الأصلي", "ev.why": "سبب الدمج",
    "ev.no_corrections": "لا تصحيحات", "ev.legend": "الألوان:", "ev.reported_by": "حسب",
    "ev.need_coder": "أدخل اسم المرمِّز ورمز الوصول أولًا", "ev.unauthorized": "رمز الوصول غير صحيح (401)",
    "ev.loading_article": "جارٍ تحميل المقال…", "ev.status": "الحالة", "ev.active": "فعّال",
    "ev.change": "{field}: {old} ← {new}", "ev.by": "{coder}، {when}",
    "coder.button": "المرمِّز", "coder.title": "هوية المرمِّز", "coder.name": "الاسم",
    "coder.token": "رمز الوصول", "coder.hint": "يُحفظ الرمز في هذه الجلسة فقط.", "coder.save": "حفظ",
    "coder.cancel": "إلغاء", "coder.as": "المرمِّز: {name}",
    "yes": "نعم", "no": "لا",
  };
  const en = {
    "app.title": "Rasd", "app.subtitle": "Conflict events from Arabic news",
    "filters.title": "Filters", "f.q": "Text search", "f.country": "Country", "f.admin1": "Governorate",
    "f.event_type": "Event type", "f.sub_event_type": "Sub-event type", "f.actor": "Actor",
    "f.outlet": "Outlet", "f.date_from": "From", "f.date_to": "To",
    "f.in_view": "Only what the map shows", "f.include_rejected": "Show rejected events",
    "f.reset": "Clear filters", "f.all": "All",
    "map.options": "Map", "map.online": "OpenStreetMap background (needs the internet)", "map.in_table": "Show the {n} events in the table",
    "map.tiles_failed": "OpenStreetMap tiles could not be loaded; the bundled outlines remain.",
    "timeline.title": "Timeline (drag to select a period)", "timeline.clear": "All dates",
    "col.date": "Date", "col.type": "Type", "col.actors": "Actors", "col.location": "Location",
    "col.admin1": "Governorate", "col.country": "Country", "col.fatalities": "Fatalities", "col.sources": "Sources",
    "pager.prev": "Previous", "pager.next": "Next", "pager.info": "{a}–{b} of {n}",
    "loading": "Loading…", "empty": "No event matches the filters",
    "error": "Error: {msg}",
    "ev.close": "Close", "ev.fields": "Fields", "ev.more": "More fields", "ev.sources": "Sources ({n})", "ev.corrections": "Corrections",
    "ev.edit": "Correct", "ev.save": "Save", "ev.cancel": "Cancel", "ev.note": "Note",
    "ev.reject": "Reject event", "ev.restore": "Restore event", "ev.rejected": "Rejected",
    "ev.corrected": "corrected", "ev.original": "pipeline value: {v}", "ev.saved": "Correction saved",
    "ev.article": "Article text", "ev.open_url": "Original link", "ev.why": "Why merged",
    "ev.no_corrections": "No corrections", "ev.legend": "Colours:", "ev.reported_by": "according to",
    "ev.need_coder": "Enter a coder name and access token first", "ev.unauthorized": "Wrong access token (401)",
    "ev.loading_article": "Loading the article…", "ev.status": "Status", "ev.active": "active",
    "ev.change": "{field}: {old} → {new}", "ev.by": "{coder}, {when}",
    "coder.button": "Coder", "coder.title": "Coder identity", "coder.name": "Name",
    "coder.token": "Access token", "coder.hint": "The token is kept for this session only.", "coder.save": "Save",
    "coder.cancel": "Cancel", "coder.as": "Coder: {name}",
    "yes": "yes", "no": "no",
  };
  // Field names (event view, corrections, highlight legend).
  const fields = {
    event_type: ["نوع الحدث", "Event type"], sub_event_type: ["النوع الفرعي", "Sub-event type"],
    date_start: ["تاريخ البداية", "Start date"], date_end: ["تاريخ النهاية", "End date"],
    time_precision: ["دقة التاريخ", "Time precision"], actor1: ["الطرف الأول", "Actor 1"],
    actor2: ["الطرف الثاني", "Actor 2"], location_name: ["المكان", "Location"],
    location: ["المكان", "Location"], admin1: ["المحافظة", "Governorate"], country: ["البلد", "Country"],
    lat: ["خط العرض", "Latitude"], lon: ["خط الطول", "Longitude"], geo_precision: ["دقة المكان", "Geo precision"],
    fatalities: ["القتلى", "Fatalities"], injuries: ["الجرحى", "Injuries"],
    fatalities_low: ["القتلى (أدنى)", "Fatalities (low)"], fatalities_best: ["القتلى (أرجح)", "Fatalities (best)"],
    fatalities_high: ["القتلى (أعلى)", "Fatalities (high)"], fatalities_text: ["نص عدد القتلى", "Fatalities as written"],
    injuries_low: ["الجرحى (أدنى)", "Injuries (low)"], injuries_best: ["الجرحى (أرجح)", "Injuries (best)"],
    injuries_high: ["الجرحى (أعلى)", "Injuries (high)"],
    children_killed: ["أطفال قتلى", "Children killed"], women_killed: ["نساء قتلى", "Women killed"],
    children_injured: ["أطفال جرحى", "Children injured"], women_injured: ["نساء جرحى", "Women injured"],
    civilian_targeting: ["استهداف المدنيين", "Civilian targeting"], reported_by: ["حسب", "Reported by"],
    outlets: ["المصادر الإعلامية", "Outlets"], n_sources: ["عدد المصادر", "Sources"],
    n_articles: ["عدد المقالات", "Articles"], evidence: ["الدليل", "Evidence"], status: ["الحالة", "Status"],
    event_id: ["معرّف الحدث", "Event id"], trigger: ["الفعل", "Trigger"], date: ["التاريخ", "Date"],
    sources: ["المصدر", "Source"], source: ["المصدر", "Source"],
    children: ["أطفال", "Children"], women: ["نساء", "Women"],
  };
  const types = {
    "Battles": "معارك", "Explosions/Remote violence": "انفجارات / عنف عن بُعد",
    "Violence against civilians": "عنف ضد المدنيين", "Protests": "احتجاجات", "Riots": "أعمال شغب",
    "Strategic developments": "تطورات استراتيجية",
    "Armed clash": "اشتباك مسلح", "Government regains territory": "استعادة الحكومة أرضًا",
    "Non-state actor overtakes territory": "سيطرة جهة غير حكومية على أرض",
    "Chemical weapon": "سلاح كيميائي", "Air/drone strike": "غارة جوية / مسيّرة",
    "Suicide bomb": "تفجير انتحاري", "Shelling/artillery/missile attack": "قصف مدفعي / صاروخي",
    "Remote explosive/landmine/IED": "عبوة ناسفة / لغم", "Grenade": "قنبلة يدوية",
    "Sexual violence": "عنف جنسي", "Attack": "هجوم", "Abduction/forced disappearance": "خطف / إخفاء قسري",
    "Peaceful protest": "احتجاج سلمي", "Protest with intervention": "احتجاج مع تدخل",
    "Excessive force against protesters": "قوة مفرطة ضد المحتجين", "Violent demonstration": "تظاهرة عنيفة",
    "Mob violence": "عنف جماعي", "Agreement": "اتفاق", "Arrests": "اعتقالات",
    "Change to group/activity": "تغيّر في جماعة / نشاط", "Disrupted weapons use": "إحباط استخدام سلاح",
    "Headquarters or base established": "إنشاء مقر أو قاعدة",
    "Looting/property destruction": "نهب / تدمير ممتلكات",
    "Non-violent transfer of territory": "انتقال سلمي لأرض", "Other": "أخرى",
  };
  let lang = "ar";
  try { lang = localStorage.getItem("rasd.lang") === "en" ? "en" : "ar"; } catch (e) { /* private mode */ }
  let regionNames = null;
  function t(key, vars) {
    let s = (lang === "en" ? en : ar)[key];
    if (s === undefined) s = en[key] !== undefined ? en[key] : key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined || vars[k] === null ? "" : String(vars[k])));
    return s;
  }
  // "N events" with each language's plural forms (Arabic: 1, 2, 3-10, 11-99, 100+).
  function events(n) {
    const num = Number(n) || 0;
    const shown = num.toLocaleString(lang === "en" ? "en" : "ar-u-nu-latn");
    if (lang === "en") return num === 1 ? "1 event" : `${shown} events`;
    if (num === 1) return "حدث واحد";
    if (num === 2) return "حدثان";
    const r = num % 100;
    if (r >= 3 && r <= 10) return `${shown} أحداث`;
    if (r >= 11 && r <= 99) return `${shown} حدثًا`;
    return `${shown} حدث`;
  }
  // Governorates: stored under their English names; shown in Arabic where Rasd's knowledge
  // (admin1-ar.json, made from knowledge/admin1.yaml) knows the name.
  let admin1Ar = {};
  function setAdmin1Names(m) { admin1Ar = m || {}; }
  function admin1(cc, name) {
    if (!name) return "";
    return lang === "en" ? name : admin1Ar[`${cc || ""}|${name}`] || name;
  }
  function field(name) { const f = fields[name]; return f ? f[lang === "en" ? 1 : 0] : name; }
  function type(name) { if (!name) return ""; return lang === "en" ? name : (types[name] || name); }
  function country(code) {
    if (!code) return "";
    try {
      if (!regionNames || regionNames.lang !== lang) {
        regionNames = new Intl.DisplayNames([lang], { type: "region" });
        regionNames.lang = lang;
      }
      const n = regionNames.of(String(code).toUpperCase());
      return n && n !== code ? n : code;
    } catch (e) { return code; }
  }
  function apply(root) {
    document.documentElement.lang = lang;
    document.documentElement.dir = lang === "en" ? "ltr" : "rtl";
    (root || document).querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  }
  function setLang(l) {
    lang = l === "en" ? "en" : "ar";
    try { localStorage.setItem("rasd.lang", lang); } catch (e) { /* ignore */ }
    apply();
  }
  window.RasdI18n = { t, events, admin1, setAdmin1Names, field, type, country, apply, setLang, get lang() { return lang; } };
})();

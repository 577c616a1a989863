"""Language of a buyer message: lingua over a fixed language set, tuned for short chat text."""

from __future__ import annotations

import re
from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

# Latin-script languages of TikTok Shop markets go to lingua (each costs ~0.15 s to load);
# scripts (Chinese, Japanese, Korean, Thai, Arabic) and Vietnamese diacritics are decided by rule.
_CODES = {
    Language.ENGLISH: "en", Language.SPANISH: "es", Language.INDONESIAN: "id",
    Language.MALAY: "ms", Language.PORTUGUESE: "pt", Language.TAGALOG: "tl",
}
_SCRIPTS = [(re.compile(r"[\uac00-\ud7af]"), "ko"), (re.compile(r"[\u0e00-\u0e7f]"), "th"),
            (re.compile(r"[\u0600-\u06ff]"), "ar")]
_VIET = re.compile(r"[ơưđạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
_HAN = re.compile(r"[\u3400-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_WORD = re.compile(r"[^\W\d_]+", re.U)
_RUN = re.compile(r"(\w)\1{2,}")  # three or more of a letter
_END_DOUBLE = re.compile(r"(\w)\1$")
# Very common chat words that decide short messages lingua finds ambiguous.
_MARKERS = {
    "id": {"kak", "gan", "min", "sis", "blm", "belum", "udh", "sudah", "gak", "ga", "nggak", "yg",
           "dong", "tolong", "barang", "paket", "pesanan", "sampai", "sampe", "kapan", "mau",
           "bisa", "ukuran", "warna", "rusak", "kok", "aja", "saya", "aku", "tdk", "brp", "halo",
           "selamat", "pagi", "siang", "sore", "malam", "permisi", "nya", "gk", "ada", "apa", "ini", "itu",
           "sih", "deh", "banget", "bgt", "gimana", "dimana", "kenapa", "udah", "juga", "beda", "dateng",
           "bahan", "buat", "gue", "kalo", "kalau", "pake", "pakai", "beli", "baru", "lagi"},
    "es": {"hola", "quiero", "pedido", "talla", "dónde", "donde", "cuándo", "cuando", "mi", "el",
           "la", "por", "favor", "porfa", "gracias", "llegó", "llego", "roto", "reembolso",
           "cambiar", "devolver", "paquete", "tengo", "es", "muy", "pero", "q", "xq", "pq", "no",
           "buenas", "buenos", "tardes", "noches", "dias", "días", "oye", "oigan", "saludos", "y", "que", "qué",
           "de", "con", "para", "todavía", "todavia", "ayer", "hoy", "nada", "también", "neta", "mis",
           "los", "las", "del", "le", "está", "esta", "son", "sale", "hay"},
    "en": {"my", "the", "is", "where", "refund", "order", "pls", "please", "i", "want", "it",
           "package", "pkg", "size", "wrong", "cancel", "when", "hi", "hello", "thanks", "what",
           "hey", "good", "morning", "evening", "anyone", "there", "yo", "help"},
}
# Tagalog chat words: lingua often hears Indonesian slang as Tagalog; these tell the two apart.
_TAGALOG = {"po", "ang", "ng", "yung", "sa", "ko", "pwede", "na", "lang", "naman", "ba", "ako", "ito", "mga"}


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_CODES).build()


def detect_language(text: str) -> tuple[str, float]:
    """ISO 639-1 code and a confidence in [0, 1]; 'en' with low confidence when nothing is known."""
    if not text.strip():
        return "en", 0.0
    if _KANA.search(text):
        return "ja", 0.9
    for rx, code in _SCRIPTS:
        if rx.search(text):
            return code, 0.9
    if len(_VIET.findall(text)) >= 2:
        return "vi", 0.8
    han = len(_HAN.findall(text))
    letters = sum(len(w) for w in _WORD.findall(text))
    words = [w.lower() for w in _WORD.findall(text)]
    latin_words = sum(1 for w in words if not _HAN.search(w))
    # Chinese characters carry the message: "我的 order 到哪了？tracking 三天都没 update" is a Chinese buyer
    if han and (han * 2 >= letters - han or (han >= 2 and han >= latin_words)):
        return "zh", 0.95
    # "hiii", "holaa", "kakk": chat stretches words; the markers know them unstretched
    forms = [{w, _RUN.sub(r"\1", w), _END_DOUBLE.sub(r"\1", _RUN.sub(r"\1", w))} for w in words]
    scores = {lang: sum(bool(f & vocab) for f in forms) for lang, vocab in _MARKERS.items()}
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return "en", 0.0
    top = values[0]
    code, conf = _CODES[top.language], top.value
    if code == "ms":  # Malay and Indonesian chat are near-identical; we serve Indonesian
        code = "id"
    if code == "tl" and scores["id"] > sum(w in _TAGALOG for w in words):  # "sneakers nya halal gk kak"
        return "id", max(conf, 0.5)
    # Code-switching: English logistics words in a Spanish or Indonesian sentence ("pagué ayer y todavía no
    # sale tracking number") still mean a Spanish or Indonesian buyer.
    if code == "en":
        other = max(("es", "id"), key=lambda k: scores[k])
        if scores[other] >= 3 and scores[other] > scores["en"]:
            return other, max(conf, 0.5)
    if len(words) <= 4 or conf < 0.5:
        best = max(scores, key=lambda k: scores[k])
        if scores[best] > 0 and scores[best] >= scores.get(code, 0):
            return best, max(conf, 0.5)
        if code not in {"en", "es", "id", "zh"}:
            return "en", conf
    return code, conf

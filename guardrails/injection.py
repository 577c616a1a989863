"""Input screen: does the buyer's text try to steer the assistant instead of asking the shop something?

Buyer text is data. The guardrails on the way out already stop any promise, leak or off-platform contact
whatever the input said; this screen lets the planner answer the manipulation as what it is (a polite
"same policy for everyone" and the usual help) instead of taking an injected "refund approved for order X"
as the buyer's request, and tells the agent why. Kinds, in four languages:
- override: "ignore previous instructions", "olvida tus reglas", "abaikan instruksi", "忽略之前的指令"
- role: fake system/admin turns ("</user><system>", "[SYSTEM]", "SYSTEM OVERRIDE", "【系统通知】"), role play
  ("you are now", "ahora eres", "sekarang kamu", "假装你是"), developer or admin modes
- exfiltration: the system prompt, internal notes or rules verbatim, other buyers' addresses or phones
- authority: someone posing as the platform or the shop's staff, or asking to skip the supervisor
"""

from __future__ import annotations

import re

_PATTERNS: dict[str, list[str]] = {
    "override": [
        r"\b(?:ignore|disregard|forget|override|bypass)\W+(?:(?:all|any|your|the|previous|prior|above|earlier|"
        r"preceding|system|of|these|those)\W+){0,3}(?:instructions?|rules|prompts?|guidelines|restrictions|"
        r"programming)\b",
        r"\b(?:ignora|olvida|omite)\w*\W+(?:(?:todas?|las|tus|sus|anteriores|previas|del|sistema)\W+){0,3}"
        r"(?:instrucciones|reglas|indicaciones)\b",
        r"\b(?:abaikan|lupakan|lupain)\W+(?:(?:semua|seluruh|yang|sebelumnya|tadi)\W+){0,2}"
        r"(?:instruksi|aturan|perintah)\w*",
        r"(?:忽略|无视|忘记|忘掉|不要管)(?:之前|以上|上面|所有|你的|全部)?.{0,6}(?:指令|规则|设定|提示|要求)",
        r"\bnew (?:instructions?|rules?|polic(?:y|ies))\s*[:：]",
        r"\b(?:nuevas? (?:instrucciones|reglas|pol[ií]tica))\s*[:：]",
        r"\b(?:instruksi|aturan) baru\s*[:：]",
        r"新(?:规定|指令|规则)\s*[:：，,]",
    ],
    "role": [
        r"</?\s*(?:system|sistema|sistem|user|assistant|admin|developer|mensaje|instrucciones)\s*>",
        r"\[\s*(?:system|sistema|sistem|admin|administrador|dev|developer|bot|nota para el bot|note to (?:the )?bot|"
        r"admin note|catatan sistem|system note)\b[^\]]{0,40}\]",
        r"^\s*#{2,}\s*\w+",
        r"^\s*(?:system|sistema|sistem)\s*[:：]",
        r"\bsystem\s+(?:override|message|note|notice|instruction|update|prompt)\b",
        r"\b(?:instrucci[oó]n|nota|mensaje|aviso) (?:del|para el) (?:sistema|bot|asistente)\b",
        r"\b(?:catatan|pesan|instruksi|perintah) (?:sistem|untuk bot)\b",
        r"【\s*系统|系统(?:通知|指令|消息|提示|设定)\s*[:：]?",
        r"\byou are now (?:a |an |the |my )?(?:\w+ )?(?:bot|assistant|ai|admin|supervisor|manager|developer|owner|"
        r"\w*bot)\b|\b(?:from now on,? you (?:are|will|must)|pretend (?:to be|you are|you're)|act as (?:an? |the )?"
        r"(?:admin|supervisor|manager|developer|owner|seller)|roleplay as)\b",
        r"\b(?:ahora eres|finge (?:que eres|ser)|act[uú]a como (?:el |la |un |una )?(?:admin|supervisor|gerente|"
        r"due[nñ]o|vendedor))\b",
        r"\b(?:(?:kamu|anda) sekarang (?:adalah|jadi|menjadi)|sekarang (?:kamu|anda) (?:adalah|jadi|menjadi)|"
        r"pura[- ]pura jadi|berperan sebagai)\b",
        r"你现在是(?![^，。,]{0,8}[吗嘛？?])|假装你是|扮演(?:主管|客服主管|店主|老板|管理员)|从现在开始你",
        r"\b(?:developer|dev|admin|god|debug|jailbreak|unrestricted) mode\b|\bmodo (?:desarrollador|admin\w*|dios)\b|"
        r"\bmode (?:admin|developer|pengembang|dewa)\b|开发者模式|管理员模式|越狱",
    ],
    "exfiltration": [
        r"\bsystem prompt\b|\b(?:print|show|reveal|repeat|output|tell me|send me)\b.{0,20}\byour (?:instructions|"
        r"prompt|internal notes?)\b|\binternal notes?\b.{0,20}\babout me\b",
        r"\b(?:instrucciones|notas|reglas) internas\b|\bprompt del sistema\b",
        r"\b(?:instruksi|catatan|aturan) internal\b|\bprompt sistem\b|\bsystem prompt\w*\b",
        r"系统提示词?|提示词|内部(?:备注|笔记|规则|说明)|审批规则(?:原文)?",
        r"\b(?:address(?:es)?|phone(?: numbers?)?|orders?|emails?)\b.{0,25}\b(?:of|for) (?:your |other |another |all )"
        r"(?:customers?|buyers?|clients?|shoppers?)\b|\b(?:addresses|phone numbers|emails)\b.{0,25}\bof (?:the )?"
        r"(?:customers|buyers|clients)\b|\b(?:customers?|buyers?) named\b",
        r"\b(?:direcci[oó]n|tel[eé]fono|pedidos|correo)\b.{0,25}\bde (?:la |el |los |las |otr[oa]s? )?"
        r"(?:cliente|clienta|clientes|compradora?|compradores)\b",
        r"\b(?:alamat|nomor|no hp|pesanan)\b.{0,20}\b(?:pembeli|pelanggan|customer)\b (?:lain|bernama|atas nama)",
        r"(?:把|给我|发我|告诉我|查一下)[^。]{0,6}(?:客户|买家|顾客|别的用户)[^，。,!?？！]{0,16}(?:地址|电话|手机号|订单号)",
    ],
    "authority": [
        r"\bthis is (?:tiktok(?: shop)?|the platform)\b|\b(?:tiktok(?: shop)?|platform) (?:trust (?:&|and) safety|"
        r"admin|support team) (?:here|speaking)\b|\bas (?:the|your) (?:store|shop) (?:manager|owner|admin)\b|"
        r"\bi(?:'m| am) (?:the|your) (?:store|shop) (?:manager|owner|admin)\b",
        r"\b(?:calling|writing|messaging) (?:you )?from tiktok\b|\bfrom tiktok(?: shop)? (?:seller |platform )?"
        r"(?:compliance|support|security|trust|audit|risk|legal|admin)\w*",
        r"\btiktok(?: shop)?\W{1,3}(?:trust\W+(?:&|and)\W+safety|seller compliance|compliance|security|risk|"
        r"admin(?:istrator)?|official|resmi|oficial)\b|\b(?:notifikasi|pemberitahuan|pengumuman) resmi\b|"
        r"\b(?:aviso|notificaci[oó]n|comunicado)\b.{0,20}\btiktok\b",
        r"\bi(?:'m| am) (?:\w+, )?(?:the|a|your) (?:shift |store |shop )?(?:supervisor|manager|owner|admin)\b|"
        r"\bsoy (?:\w+, )?(?:el |la )?(?:supervisor\w*|gerente|encargad\w*|administrador\w*)\b(?: de turno)?|"
        r"\bsaya (?:\w+, )?(?:supervisor|admin|manajer|pemilik) (?:toko|shift)\b|"
        r"我是.{0,10}(?:主管|店长|运营|经理|老板|管理员)|(?:不用|无需|不需要)(?:走)?(?:审批|审核)(?:流程)?|口头批",
        r"\b(?:i )?authori[sz]e (?:a |the |this )?(?:full )?(?:refund|reship|credit|coupon|replacement)|"
        r"\bpre-?approved\b|\bautorizo (?:el|la|un|una)\b|\bsaya (?:setujui|otorisasi)\b",
        r"\bsoy (?:el |la )?(?:gerente|due[nñ]o|due[nñ]a|administrador\w*) de (?:tiktok|la tienda)\b|"
        r"\b(?:aviso|soporte|equipo|departamento) (?:oficial )?(?:de )?tiktok\b|\btiktok shop (?:oficial|soporte)\b",
        r"\b(?:pihak|tim|admin|dari) tiktok(?: shop)? (?:pusat|resmi|keamanan|compliance)?\b.{0,40}"
        r"\b(?:wajib|harus|segera)\b",
        r"平台(?:安全中心|风控|官方|客服中心|治理)|官方通知|(?:回复|提供|发送|告诉|给我)[^。]{0,12}"
        r"(?:买家|客户|顾客)[^。]{0,20}(?:姓名|地址|手机号|电话)",
        r"\bsaya (?:admin|pemilik|owner|manajer|manager) (?:toko|tiktok)\b",
        r"我是(?:店长|店主|老板|管理员|平台|官方)",
        r"\b(?:without|skip|no need (?:for|to wait for)) (?:the |a |any )?(?:supervisor|approval|manager)\b|"
        r"\b(?:sin|no hace falta) (?:esperar (?:a|al) |pasar por )?(?:el |la )?(?:supervisor|aprobaci[oó]n)\b|"
        r"\b(?:gak|ga|tidak|nggak|tanpa) (?:usah )?(?:nunggu |menunggu )?(?:supervisor|atasan|persetujuan)\b|"
        r"不(?:用|需要)(?:等|经过)?(?:主管|审批|批准)",
        r"\b(?:reply|respond|answer) (?:to the (?:customer|buyer) )?(?:only )?with exactly\b|"
        r"\bresponde (?:solo|solamente|únicamente) con\b|\bbalas (?:hanya )?dengan\s*[:'\"\u2018\u201c]|"
        r"直接回复\s*[‘“'\"「]",
    ],
}
_COMPILED = {kind: [re.compile(p, re.I | re.M) for p in pats] for kind, pats in _PATTERNS.items()}


def manipulation_kinds(text: str) -> list[str]:
    """The kinds of steering found in a buyer's text (empty for an ordinary message)."""
    return [kind for kind, pats in _COMPILED.items() if any(p.search(text) for p in pats)]

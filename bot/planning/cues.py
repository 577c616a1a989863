"""Buyer-word cues the planner reads beside the triage: what a phrase says about the situation, in the
buyer's languages (en, es, id, zh). Patterns only; the decisions are in plan.py."""

import re

UNITS_Q = re.compile(r"\d\s*(?:cm|in|inch|inches|pulgadas|inci)\b|\b(?:cm|inch|inches|pulgadas|inci|centimet\w*)\b|"
                     r"厘米|英寸|公分", re.I)
DIMENSIONS_Q = re.compile(r"\d+(?:[.,]\d+)?\s*[x×*]\s*\d+")  # "listing said 180 x 200": sizes quoted from the page
# "opened / used / tried / worn" in the buyer's words (for items that cannot come back once opened)
OPENED = re.compile(r"\b(?:open(?:ed)?|used|tried|wore|worn|swatch\w*|ate|eaten|tasted|abr[ií]\w*|usad[oa]s?|us[eé]|"
                    r"prob[eé]|me (?:lo|la|los|las) puse|comí|comi|dibuka|buka|kebuka|dipake|dipakai|pakai|"
                    r"(?:udah|udh|sudah) (?:di)?coba|coba|dicoba|dimakan)\b|"
                    r"用过|拆|打开|开封|试过|试用|戴过|穿过|吃过|尝过|抹过|戴了|穿了|用了|吃了|试了|抹了", re.I)
NOT_BEFORE = re.compile(r"(?:\b(?:never|not|haven'?t|hasn'?t|didn'?t|dont|don'?t|no|nunca|sin|ni|blm|belum|"
                        r"gak|ga|nggak|tidak|tdk|gk|pernah)\b|[没未不])\W*(?:\w+\W+){0,2}$", re.I)
WRONG_ITEM = re.compile(r"wrong item|wrong product|not what i ordered|sent (?:me )?(?:a |the )?wrong|"
                        r"not the (?:ones?|colou?r|shade|size) i (?:ordered|picked|chose)|\binstead of\b|"
                        r"no (?:son|es) (?:los|las|el|la|lo) que ped[ií]|en (?:lugar|vez) de|"
                        r"bukan (?:yg|yang) (?:aku|saya|gue|gw) (?:pesen|pesan|order|pilih)|"
                        r"malah (?:dapet|dateng|datang)|"
                        r"不是我(?:要|拍|买|订|选)的|却(?:收到|发来)|我(?:买|拍|下单|订)的是.{1,20}(?:收到|来的|发来)|"
                        r"\b(?:pesen|pesan|order)nya (?:yang|yg)\b|\bwhat i ordered was\b|"
                        r"\blo que ped[ií] (?:era|fue)\b|"
                        r"\b(?:says|reads|labell?ed|printed|tulisannya|dice|pone)\b.{1,50}"
                        r"\b(?:not|bukan|no es|en vez)\b|"
                        r"(?:写的是|写着|印的是).{1,20}不是|"
                        r"\b(?:i )?ordered\b.{1,40}\b(?:got|received|they sent|you sent)\b"
                        r"(?! (?:it|them|my|the (?:package|parcel|order|item)|today|yesterday))|"
                        r"equivocad|otro producto|ped[ií]\b.{1,40}\b(?:lleg[oó]|me mandaron|recib[ií])\b|"
                        r"salah kirim|barang salah|"
                        r"(?:pesen|pesan|order)\b.{1,60}\b(?:yg|yang)? ?(?:dateng|datang|dikirim)|"
                        r"发错|寄错|不是我买的|(?:买的|下单的?|订的)是?.{1,20}(?:收到|发来|寄来|来的)", re.I)
# A fault that can hurt someone is not troubleshot in chat: swelling, overheating, smoke, burning smell.
HAZARD = re.compile(r"\b(?:swell\w*|swollen|bulg\w*|puff(?:ed|ing)? up|overheat\w*|too hot to|burn(?:ing|t) smell|"
                    r"smok(?:e|ing)|melt\w*|spark\w*|on fire|caught fire|explod\w*|hinchad\w*|infl[oó]|"
                    r"se calienta (?:mucho|tanto|demasiado)|quemad\w*|humo|chispa\w*|derreti\w*|explot\w*|"
                    r"(?:meng)?gembung|kembung|panas (?:bgt|banget|sekali)|kepanasan|gosong|berasap|asap|meleleh|"
                    r"meledak|percikan)\b|鼓包|发烫|烫手|烫得|冒烟|烧焦|焦味|起火|着火|爆炸|炸了|融化", re.I)
# Wearing it now and it does not fit (a complaint) ...
FIT_PROBLEM = re.compile(r"\b(?:too (?:small|big|tight|short|long|loose|large)|(?:very|so|really) tight|doesn'?t fit|"
                         r"won'?t fit|can'?t (?:get|fit) (?:it|them|her|his|my)|runs? (?:small|big)|"
                         r"apretad\w*|pegad\w*|muy just[oa]s?|no (?:le|me|nos) (?:queda|quedan|entra|entran|cierra)|"
                         r"(?:le|me) queda (?:muy |bien )?(?:chic|grand|cort|larg)\w*|"
                         r"sempit|kekecilan|kebesaran|kegedean|kesempitan|kecil (?:bgt|banget|sekali)|"
                         r"(?:ga|gak|nggak|tidak|tdk|gk) (?:muat|masuk|cukup)|longgar)\b|"
                         r"小了|太小|偏小|太紧|好紧|很紧|紧了|大了|太大|偏大|穿不下|穿不进|戴不进|短了|长了|勒得|勒人|"
                         r"短一截|紧绷|穿不上", re.I)
# ... unless the buyer is choosing a size for the next purchase.
NEXT_PURCHASE = re.compile(r"\b(?:which|what) size (?:should|do|would|to) (?:i|we) (?:get|order|buy|pick|take)|"
                           r"\bqu[eé] talla (?:me )?(?:pido|compro|pedir|comprar|elijo|le compro)|"
                           r"\b(?:mau|pengen|mo) (?:beli|order|pesen|pesan)|"
                           r"买哪个码|该买|下次买|再买|选什么码|拍哪个码", re.I)
# "any answer yet on what my supervisor decided?": a follow-up on a decision that is pending
DECISION = re.compile(r"\b(?:supervisor|approv\w*|decision|request I (?:made|sent|asked)|aprob\w*|"
                      r"(?:me dijeron|dijeron) que (?:iban a|lo iban)|you said you'?d|katanya (?:mau|akan)|"
                      r"autoriz\w*|solicitud|persetujuan|disetujui|pengajuan|ajuin|ajukan|diajukan)\b|"
                      r"\b(?:video|photos?|pics?) (?:i )?sent|sent (?:you )?(?:the )?(?:video|photos?|pics?)|"
                      r"envi[eé] (?:el|la|las|los) (?:video|fotos?)|"
                      r"(?:udah|udh|sudah) (?:kirim|dikirim) (?:video|foto)|"
                      r"审核|审批|主管|批准|申请|说帮我|不是说|发了(?:视频|照片)", re.I)
# "if I order from Mérida, do I pay customs?": a question about buying, not about an order
HYPOTHETICAL = re.compile(r"\b(?:if i (?:order|buy|purchase)|si (?:compro|pido|hago un pedido|ordeno)|"
                          r"(?:kalo|kalau|klo|seandainya|misalnya|andaikan) (?:aku |saya |gue )?"
                          r"(?:order|beli|pesan|pesen|kirim)|biasanya (?:brp|berapa) lama)\b|"
                          r"如果我?(?:买|下单|订)|要是(?:买|下单)|假如", re.I)
COMPENSATION_ASK = re.compile(r"\b(?:compensat\w*|kompensasi\w*|compensaci[oó]n|make (?:it|this) up|goodwill|"
                              r"(?:something|anything|some money) back|algo a cambio|ganti ?rugi|ada gantinya)\b|"
                              r"补偿|赔偿|表示一下|有点表示|有所表示|有什么表示", re.I)
# spoiled, not broken: "smells weird", "cairannya sudah coklat", "变质"
SPOILED = re.compile(r"\b(?:smells? (?:weird|strange|off|bad|funny)|expired|mou?ldy?|rancid|spoiled|"
                     r"huele (?:raro|mal)|olor (?:raro|extraño)|caducad\w*|podrid\w*|moho|"
                     r"bau(?:nya)? (?:juga )?(?:agak |sedikit |rada |kok )?(?:aneh|busuk|apek|tengik)|"
                     r"kadaluarsa|kedaluwarsa|basi|berjamur|jamuran)\b|"
                     r"变质|发霉|有异味|味道不对|过期|臭了", re.I)
# a parcel that does not move, in the buyer's words
STUCK_TALK = re.compile(r"\b(?:still nothing|nothing yet|sitting|stuck|hasn'?t moved|not moving|no movement|"
                        r"parad[oa]|no se mueve|sin moverse|nyangkut|gak gerak|ga gerak|tidak bergerak|diem aja)\b|"
                        r"卡在|不动|没动|没更新|没有更新|一直没变", re.I)
# the parcel came damaged, in words the lexicon may not have
DAMAGE = re.compile(r"\b(?:crushed|dented|bent|creased|squashed|torn|ripped|aplastad\w*|abollad\w*|doblad\w*|"
                    r"rot[oa]s?|penyok|gepeng|ketekuk|sobek|robek|patah|retak)\b|折了|压扁|扁的|扁了|变形|凹|破了|裂了|死印",
                    re.I)
LETTERS = re.compile(r"[^\W\d_]")
HAN = re.compile(r"[\u4e00-\u9fff]")
# it hurts or chafes: "老卡关节 戴着难受", "me aprietan y me duelen", "gak nyaman"
DISCOMFORT = re.compile(r"\b(?:hurts?|painful|uncomfortable|itch\w*|rash|blister\w*|duele\w*|incómod\w*|"
                        r"incomod\w*|me pica|sakit|perih|gatal|lecet|gak nyaman|ga nyaman|tidak nyaman)\b|"
                        r"难受|不舒服|疼|磨脚|夹脚|卡关节|过敏|发痒", re.I)
LATE_TALK = re.compile(r"\b(?:late|after the date|past the date|took (?:forever|ages)|tarde|retras\w*|"
                       r"telat|terlambat|lama bgt|lama banget)\b|晚了|晚到|迟到|延误|拖了", re.I)
ANYONE = re.compile(r"\b(?:anyone|anybody|alguien|ada orang|ada yg|ada yang)\b|有人吗|在吗|在不在", re.I)
# what a buyer asks for when a parcel shows delivered but is not there
RESHIP_ASK = re.compile(r"\b(?:send (?:it|them|one|another|a new one)\w* (?:again|out again)|send (?:another|a new)|"
                        r"resend|reship|re-ship|ship (?:it|them) again|"
                        r"reenv\w*|(?:m[aá]nd|envi)\w* (?:otr[oa]s?|de nuevo|otra vez)|"
                        r"vuelv\w* a (?:mandar|enviar)\w*|"
                        r"kirim (?:ulang|lagi)|dikirim (?:ulang|lagi)|kirimin lagi)\b|"
                        r"补发|补寄|重发|再发|重新发|重新(?:给我)?寄|再寄|重寄", re.I)
NOT_RECEIVED = re.compile(r"\b(?:(?:never|not|didn'?t|haven'?t|did not|have not) (?:got|get|gotten|received?|"
                          r"arrived?)|nothing (?:came|arrived|here)|isn'?t here|no (?:me )?ha llegado|"
                          r"no (?:me )?lleg[oó]|no (?:lo|la|los|las) (?:he )?recib\w*|no he recibido|no hay nada|"
                          r"(?:ga|gak|nggak|tidak|tdk|blm|belum) (?:nerima|terima|menerima|dapet|dapat|sampe|sampai|"
                          r"nyampe)\w*|nothing (?:there|in (?:the|my) mailbox)|(?:ga|gak|nggak|tidak) ada di rumah|"
                          r"(?:ga|gak|nggak|tidak) ada (?:paket|barang)nya)\b|"
                          r"没收到|没有收到|没到|没看到包裹|根本没签|没有签收|没人签收|(?:信箱|邮箱|门口|家里|快递柜|驿站)[^。]{0,8}(?:什么都没有|啥也没有)",
                          re.I)
MONEY_ASK = re.compile(r"\b(?:refund|money back|reembols\w*|devuelv\w* (?:el|mi) dinero|uang (?:kembali|balik)|"
                       r"balikin uang|pengembalian dana)\b|退款|退钱", re.I)
FOLLOW_UP = re.compile(r"\bany (?:update|news|word|answer)|\bno answer yet|(?:belum|blm) ada kabar|"
                       r"\b(?:is it )?a yes or (?:a )?no\b|\bbeen waiting since\b|nadie me (?:contest|respond)\w*|"
                       r"\by entonces\b|\bhay novedad\w*|批下来|批了没|有没有批|批没批|审核了没|审了没|"
                       r"todav[ií]a no (?:me )?(?:contestan|responden|dicen)|还没(?:有)?(?:回复|消息|结果|动静)|"
                       r"\bupdate on\b|\bheard back\b|\bstill (?:no (?:answer|reply|word|"
                       r"response)|waiting (?:for|on) (?:an? )?(?:answer|reply|approval|decision))|"
                       r"\balguna (?:novedad|noticia|actualizaci)|\bqu[eé] pas[oó] con\b|\bsigo esperando (?:la )?"
                       r"(?:respuesta|aprobaci)|\bada kabar|\bgimana (?:kelanjutan|kabar)|\bkabarnya\b|"
                       r"进展|怎么样了|有结果|结果出来|批了吗|通过了吗|审核到", re.I)
SAD = re.compile(r"[😕😞😟😢😭😤😡😠🥲🙁☹😩😫😔😒🤦💔]|:\(|:'\(")
# "smaller than I expected", "más pequeña de lo que esperaba", "kirain gede", "比想象的小": a let-down
LET_DOWN = re.compile(r"than (?:i |we )?(?:expected|thought|imagined)|thought it would|"
                      r"de lo que (?:esperaba|pensaba|cre[ií]a)|pens[eé] que (?:era|ser[ií]a)|"
                      r"\b(?:kirain|kukira|aku kira|saya kira)\b|比想象|以为|没想到", re.I)
IMPATIENT = re.compile(r"\?\?|!!|？？|！！|\bstill (?:no|not|nothing|haven'?t|hasn'?t)|\bwhere(?:'s| is) my money|"
                       r"todav[ií]a no|a[uú]n no|d[oó]nde est[aá] mi dinero|\bmasih (?:belum|blm)|"
                       r"\b(?:blm|belum) masuk|udah? \d+ (?:hari|minggu)|还没|到现在|钱呢|"
                       r"一个?(?:礼拜|星期|周)了|[两三四五六七八九十几]天了", re.I)
INCH_GUESS = re.compile(r"\b(?:inch(?:es)?|pulgadas?|inci)\b|英寸", re.I)

// Words that carry the meaning of an injection, by concept and language. A concept is matched by any of its stems
// (inflected forms share the stem); rules (multilingual.ts) fire when concepts meet in a short window, in either
// order (verb-final languages put the object first). Written from each language's ordinary vocabulary, not from
// the corpus: the aim is the families of meaning (ignore earlier instructions, reveal the system prompt, hand over
// secrets, change role, act on tools), whatever the wording.
//
// Stems are normalised like the text (normalise.ts): lower case, Latin/Cyrillic/Greek accents stripped.

export type Concept =
  | 'ignore'
  | 'prior'
  | 'instructions'
  | 'reveal'
  | 'systemPrompt'
  | 'secret'
  | 'send'
  | 'role'
  | 'unrestricted'
  | 'pay'
  | 'money'
  | 'covert'
  | 'negation';

type Lexicon = Record<Concept, string[]>;

const en: Lexicon = {
  ignore: ['ignore', 'disregard', 'forget', 'override', 'bypass', 'set aside', 'throw away', 'discard', 'pay no attention', 'stop following', 'no longer follow', 'abandon', 'drop'],
  prior: ['previous', 'prior', 'above', 'earlier', 'preceding', 'all of your', 'your original', 'initial', 'system', 'everything before', 'so far', 'until now', 'you were given', 'you have been given', "you've been given"],
  instructions: ['instruction', 'rules', 'guideline', 'directive', 'prompt', 'orders', 'programming', 'guardrail', 'constraints', 'system message'],
  reveal: ['reveal', 'show', 'print', 'display', 'output', 'repeat', 'recite', 'tell me', 'disclose', 'dump', 'leak', 'write out', 'spell out', 'give me', 'share'],
  systemPrompt: ['system prompt', 'system message', 'initial prompt', 'hidden instructions', 'secret instructions', 'original instructions', 'developer message', 'pre-prompt', 'preprompt', 'your instructions verbatim'],
  secret: ['password', 'passwd', 'api key', 'api_key', 'apikey', 'secret key', 'access token', 'auth token', 'bearer', 'credential', 'private key', 'ssh key', 'session cookie', '.env', 'seed phrase', 'recovery phrase', 'one-time code', 'otp code'],
  send: ['send', 'forward', 'email', 'e-mail', 'upload', 'post', 'exfiltrate', 'transmit', 'paste', 'submit', 'deliver'],
  role: ['you are now', "you're now", 'from now on', 'act as', 'pretend', 'roleplay', 'role-play', 'role play', 'new persona', 'your new role', 'you will now', 'behave as', 'play the role'],
  unrestricted: ['no restrictions', 'without restrictions', 'no rules', 'without rules', 'no limits', 'without limits', 'unrestricted', 'unfiltered', 'uncensored', 'no filter', 'developer mode', 'jailbreak', 'jailbroken', 'god mode', 'no guidelines', 'no safety', 'ignore safety', 'no ethical', 'without any filter'],
  pay: ['transfer', 'wire', 'pay ', 'send money', 'send funds', 'remit', 'initiate a payment', 'make a payment', 'payments.', 'refund to'],
  money: ['$', '€', '£', 'usd', 'eur', 'dollars', 'euros', 'iban', 'bitcoin', 'btc', 'wallet', 'account number', 'bank account', 'funds'],
  covert: ['without telling', 'without asking', 'without informing', 'without notifying', 'without confirmation', "don't tell the user", 'do not tell the user', "don't mention", 'do not mention', 'silently', 'secretly', 'quietly', 'hide this from', 'the user must not know', 'no need to confirm', 'already approved', 'pre-approved'],
  // And someone reporting what they were told: "my manager told me to ignore the old rules".
  negation: ['never', 'not ', "don't", 'dont ', 'do not', 'no one', 'nobody', 'avoid', 'refuse', 'will never', 'told me to', 'told us to', 'asked me to', 'asked us to', 'wants me to', 'wanted me to'],
};

const zh: Lexicon = {
  ignore: ['忽略', '无视', '無視', '忘记', '忘記', '忘掉', '不要理会', '不要理會', '别管', '抛开', '拋開', '跳过', '跳過', '覆盖', '绕过', '繞過', '不再遵守', '不必遵守'],
  prior: ['之前', '以前', '先前', '上面', '上述', '此前', '前面', '所有', '全部', '原来', '原來', '原始', '系统', '系統'],
  instructions: ['指令', '指示', '说明', '說明', '规则', '規則', '提示词', '提示詞', '设定', '設定', '要求', '限制', '命令'],
  reveal: ['显示', '顯示', '告诉我', '告訴我', '透露', '泄露', '洩露', '打印', '输出', '輸出', '展示', '重复', '重複', '给我', '給我', '公开', '公開', '说出', '說出'],
  systemPrompt: ['系统提示', '系統提示', '系统提示词', '系統提示詞', '初始指令', '隐藏指令', '隱藏指令', '原始指令', '系统消息', '系統訊息'],
  secret: ['密码', '密碼', 'api密钥', 'api 密钥', 'api金鑰', '密钥', '密鑰', '令牌', '凭证', '憑證', '访问令牌', '私钥', '私鑰', '验证码', '驗證碼', '助记词'],
  send: ['发送', '發送', '发到', '發到', '转发', '轉發', '上传', '上傳', '邮寄', '寄给', '寄給', '提交'],
  role: ['从现在开始', '從現在開始', '从现在起', '你现在是', '你現在是', '扮演', '假装', '假裝', '充当', '充當', '你的新角色'],
  unrestricted: ['没有任何限制', '沒有任何限制', '没有限制', '沒有限制', '不受限制', '无限制', '無限制', '不受约束', '开发者模式', '開發者模式', '越狱', '越獄', '没有规则', '沒有規則', '不受任何规则'],
  pay: ['转账', '轉帳', '转帐', '汇款', '匯款', '付款', '支付', '打款', '转给', '轉給'],
  money: ['元', '美元', '欧元', '歐元', '人民币', '账户', '帳戶', '账号', '帳號', '比特币', '钱包', '錢包', '银行', '銀行'],
  covert: ['不要告诉用户', '不要告訴用戶', '不要通知', '悄悄', '偷偷', '秘密地', '无需确认', '無需確認', '不用确认', '已经批准', '已經批准', '别让用户知道'],
  negation: ['不要', '不可', '不能', '切勿', '请勿', '請勿', '绝不', '絕不', '千万不要', '別', '别', '勿'],
};

const hi: Lexicon = {
  ignore: ['अनदेखा', 'नजरअंदाज', 'नज़रअंदाज़', 'भूल जा', 'भूल जाओ', 'भूल जाइए', 'ध्यान मत', 'दरकिनार', 'छोड़ दो', 'पालन मत'],
  prior: ['पिछले', 'पिछली', 'पहले', 'ऊपर', 'सभी', 'सारे', 'सारी', 'मूल', 'सिस्टम'],
  instructions: ['निर्देश', 'नियम', 'आदेश', 'हिदायत', 'प्रॉम्प्ट', 'दिशानिर्देश'],
  reveal: ['बताओ', 'बताइए', 'बताएं', 'दिखाओ', 'दिखाइए', 'दिखाएं', 'प्रकट', 'उजागर', 'लिखो', 'दोहराओ', 'प्रिंट'],
  systemPrompt: ['सिस्टम प्रॉम्प्ट', 'सिस्टम संदेश', 'प्रारंभिक निर्देश', 'छिपे निर्देश', 'गुप्त निर्देश', 'मूल निर्देश'],
  secret: ['पासवर्ड', 'एपीआई कुंजी', 'api कुंजी', 'api key', 'टोकन', 'क्रेडेंशियल', 'गुप्त कुंजी', 'निजी कुंजी', 'ओटीपी'],
  send: ['भेजो', 'भेजें', 'भेज दो', 'भेजिए', 'अपलोड', 'ईमेल करो', 'फॉरवर्ड'],
  role: ['अब से', 'तुम अब', 'आप अब', 'की भूमिका', 'का नाटक', 'होने का दिखावा', 'बन जाओ'],
  unrestricted: ['बिना किसी प्रतिबंध', 'कोई प्रतिबंध नहीं', 'बिना प्रतिबंध', 'कोई नियम नहीं', 'बिना नियम', 'बिना किसी सीमा', 'डेवलपर मोड', 'जेलब्रेक', 'बिना फ़िल्टर', 'बिना फिल्टर'],
  pay: ['ट्रांसफर', 'भुगतान', 'पैसे भेज', 'रुपये भेज', 'पैसा भेज'],
  money: ['रुपये', '₹', 'डॉलर', 'खाते', 'खाता', 'बिटकॉइन', 'वॉलेट', 'बैंक'],
  covert: ['उपयोगकर्ता को बताए बिना', 'उपयोगकर्ता को मत बताना', 'बिना बताए', 'चुपचाप', 'गुप्त रूप से', 'बिना पूछे', 'पुष्टि की जरूरत नहीं'],
  negation: ['कभी', 'मत', 'नहीं', 'न करें'],
};

const es: Lexicon = {
  ignore: ['ignora', 'ignore ', 'ignorar', 'olvida', 'olvide', 'olvidar', 'haz caso omiso', 'no hagas caso', 'descarta', 'omite', 'deja de seguir', 'pasa por alto', 'anula', 'desobedece'],
  prior: ['anterior', 'previa', 'previo ', 'previos', 'todas las', 'todos los', 'de arriba', 'originales', 'iniciales', 'del sistema', 'hasta ahora', 'que te dieron'],
  instructions: ['instruccion', 'reglas', 'normas', 'directrices', 'indicaciones', 'ordenes', 'prompt', 'restricciones', 'pautas'],
  reveal: ['muestra', 'muestrame', 'revela', 'revelame', 'dime', 'imprime', 'repite', 'escribe', 'ensename', 'comparte', 'dame', 'divulga'],
  systemPrompt: ['prompt del sistema', 'prompt de sistema', 'mensaje del sistema', 'instrucciones del sistema', 'instrucciones ocultas', 'instrucciones secretas', 'instrucciones iniciales', 'instrucciones originales'],
  secret: ['contrasena', 'clave api', 'clave de api', 'api key', 'token de acceso', 'credenciales', 'clave secreta', 'clave privada', 'codigo de verificacion', 'frase semilla'],
  send: ['envia', 'enviar', 'manda', 'mandar', 'reenvia', 'sube', 'publica', 'transmite'],
  role: ['a partir de ahora', 'desde ahora', 'ahora eres', 'actua como', 'finge', 'haz de cuenta', 'interpreta el papel', 'tu nuevo rol', 'comportate como'],
  unrestricted: ['sin restricciones', 'sin reglas', 'sin limites', 'sin filtros', 'sin censura', 'modo desarrollador', 'jailbreak', 'sin ninguna restriccion', 'sin normas'],
  pay: ['transfiere', 'transferir', 'transferencia', 'paga ', 'pagar', 'envia dinero', 'deposita', 'gira '],
  money: ['$', '€', 'euros', 'dolares', 'pesos', 'cuenta', 'iban', 'bitcoin', 'billetera', 'fondos'],
  covert: ['sin decirle', 'sin avisar', 'sin informar', 'sin pedir confirmacion', 'no le digas', 'no menciones', 'en secreto', 'discretamente', 'sin que el usuario', 'ya esta aprobado'],
  negation: ['nunca', 'no ', 'jamas', 'nadie'],
};

const fr: Lexicon = {
  ignore: ['ignore ', 'ignorez', 'ignorer', 'oublie', 'oubliez', 'oublier', 'ne tiens pas compte', 'ne tenez pas compte', 'fais abstraction', 'faites abstraction', 'passe outre', 'outrepasse', 'cesse de suivre', 'ne suis plus', 'ne suivez plus'],
  prior: ['precedent', 'anterieur', 'ci-dessus', 'ci dessus', 'toutes les', 'tous les', 'initiales', 'originales', 'du systeme', "jusqu'ici", "qu'on t'a"],
  instructions: ['instruction', 'consigne', 'regles', 'directives', 'ordres', 'prompt', 'restrictions', 'indications'],
  reveal: ['affiche', 'montre', 'revele', 'dis-moi', 'dis moi', 'repete', 'imprime', 'ecris', 'donne-moi', 'donne moi', 'divulgue', 'partage'],
  systemPrompt: ['prompt systeme', 'prompt du systeme', 'message systeme', 'instructions systeme', 'instructions cachees', 'instructions secretes', 'instructions initiales', 'consignes initiales'],
  secret: ['mot de passe', 'mots de passe', 'cle api', "cle d'api", 'jeton', 'identifiants', 'cle secrete', 'cle privee', 'code de verification'],
  send: ['envoie', 'envoyez', 'envoyer', 'transfere', 'transmets', 'televerse', 'publie', 'poste'],
  role: ['a partir de maintenant', 'desormais', 'tu es maintenant', 'fais comme si', 'fais semblant', 'joue le role', 'agis comme', 'incarne', 'ton nouveau role'],
  unrestricted: ['sans restriction', 'sans regles', 'sans limites', 'sans filtre', 'sans censure', 'mode developpeur', 'jailbreak', 'aucune restriction', 'aucune regle', 'libere de'],
  pay: ['vire ', 'virement', 'transfere', 'paie ', 'payer', 'verse ', 'envoie de l\'argent'],
  money: ['€', 'euros', '$', 'dollars', 'compte', 'iban', 'bitcoin', 'portefeuille', 'fonds'],
  covert: ["sans le dire", "sans prevenir", "sans demander", "sans confirmation", "ne dis rien", "ne le dis pas", "ne mentionne pas", 'en secret', 'discretement', "a l'insu", 'deja approuve'],
  negation: ['jamais', 'ne ', "n'", 'personne', 'aucun'],
};

const ar: Lexicon = {
  ignore: ['تجاهل', 'تجاهلي', 'انس', 'انسى', 'إنس', 'اترك', 'تخط', 'لا تتبع', 'لا تلتزم', 'أهمل', 'اهمل'],
  prior: ['السابقة', 'السابق', 'أعلاه', 'اعلاه', 'كل', 'جميع', 'الأصلية', 'النظام'],
  instructions: ['تعليمات', 'التعليمات', 'القواعد', 'قواعد', 'الأوامر', 'أوامر', 'الإرشادات', 'توجيهات'],
  reveal: ['اكشف', 'أظهر', 'اظهر', 'اعرض', 'أخبرني', 'اخبرني', 'اطبع', 'كرر', 'أعطني', 'اعطني', 'شارك'],
  systemPrompt: ['موجه النظام', 'رسالة النظام', 'تعليمات النظام', 'التعليمات المخفية', 'التعليمات السرية', 'التعليمات الأولية', 'برومبت النظام'],
  secret: ['كلمة المرور', 'كلمات المرور', 'كلمة السر', 'مفتاح api', 'مفتاح الـapi', 'رمز الوصول', 'بيانات الاعتماد', 'المفتاح السري', 'المفتاح الخاص', 'رمز التحقق'],
  send: ['أرسل', 'ارسل', 'إرسال', 'حوّل', 'ارفع', 'انشر'],
  role: ['من الآن', 'من الان', 'أنت الآن', 'انت الان', 'تظاهر', 'تصرف ك', 'تقمص', 'دورك الجديد', 'العب دور'],
  unrestricted: ['بدون قيود', 'دون قيود', 'بلا قيود', 'بدون قواعد', 'بلا قواعد', 'بدون حدود', 'وضع المطور', 'بدون فلترة', 'بدون رقابة', 'جيلبريك'],
  pay: ['حوّل', 'حول مبلغ', 'تحويل', 'ادفع', 'دفع', 'أرسل مبلغ', 'ارسل مبلغ'],
  money: ['دولار', 'يورو', 'ريال', 'درهم', 'حساب', 'iban', 'بيتكوين', 'محفظة', '$'],
  covert: ['دون إخبار', 'بدون إخبار', 'دون علم', 'لا تخبر', 'سرا', 'سراً', 'بصمت', 'دون تأكيد', 'بدون تأكيد', 'تمت الموافقة مسبقا'],
  negation: ['لا ', 'أبدا', 'ابدا', 'أبداً', 'لن '],
};

const bn: Lexicon = {
  ignore: ['উপেক্ষা', 'ভুলে যাও', 'ভুলে যান', 'এড়িয়ে', 'অগ্রাহ্য', 'মানবে না', 'মেনো না'],
  prior: ['আগের', 'পূর্ববর্তী', 'উপরের', 'সব', 'সমস্ত', 'মূল', 'সিস্টেম'],
  instructions: ['নির্দেশ', 'নিয়ম', 'আদেশ', 'প্রম্পট', 'নির্দেশিকা'],
  reveal: ['দেখাও', 'দেখান', 'বলো', 'বলুন', 'প্রকাশ', 'প্রিন্ট', 'লিখে দাও', 'জানাও'],
  systemPrompt: ['সিস্টেম প্রম্পট', 'সিস্টেম বার্তা', 'গোপন নির্দেশ', 'প্রাথমিক নির্দেশ', 'লুকানো নির্দেশ'],
  secret: ['পাসওয়ার্ড', 'এপিআই কী', 'api key', 'api কী', 'টোকেন', 'গোপন কী', 'প্রাইভেট কী', 'ওটিপি', 'লগইন তথ্য'],
  send: ['পাঠাও', 'পাঠান', 'পাঠিয়ে দাও', 'আপলোড', 'ফরোয়ার্ড'],
  role: ['এখন থেকে', 'তুমি এখন', 'আপনি এখন', 'ভান করো', 'ভূমিকায়', 'অভিনয় করো'],
  unrestricted: ['কোনো বিধিনিষেধ ছাড়া', 'কোন বিধিনিষেধ ছাড়া', 'বিধিনিষেধ ছাড়া', 'কোনো নিয়ম ছাড়া', 'নিয়ম ছাড়া', 'সীমাবদ্ধতা ছাড়া', 'ডেভেলপার মোড', 'জেলব্রেক', 'ফিল্টার ছাড়া'],
  pay: ['ট্রান্সফার', 'পাঠাও টাকা', 'টাকা পাঠাও', 'টাকা পাঠান', 'পেমেন্ট', 'অর্থ স্থানান্তর'],
  money: ['টাকা', '৳', 'ডলার', 'অ্যাকাউন্ট', 'বিটকয়েন', 'ওয়ালেট', 'ব্যাংক'],
  covert: ['ব্যবহারকারীকে না জানিয়ে', 'না জানিয়ে', 'গোপনে', 'চুপচাপ', 'নিশ্চিতকরণ ছাড়া', 'জিজ্ঞাসা না করে'],
  negation: ['কখনো', 'কখনও', 'না ', 'করবেন না'],
};

const pt: Lexicon = {
  ignore: ['ignore ', 'ignora', 'ignorar', 'esqueca', 'esquece', 'esquecer', 'desconsidere', 'desconsidera', 'descarte', 'deixe de seguir', 'pare de seguir', 'nao siga mais', 'passe por cima'],
  prior: ['anterior', 'anteriores', 'previas', 'acima', 'todas as', 'todos os', 'originais', 'iniciais', 'do sistema', 'ate agora', 'que recebeu'],
  instructions: ['instruc', 'regras', 'diretrizes', 'orientacoes', 'ordens', 'prompt', 'restricoes', 'comandos'],
  reveal: ['mostre', 'mostra', 'revele', 'revela', 'diga-me', 'me diga', 'imprima', 'repita', 'escreva', 'compartilhe', 'me de', 'exiba'],
  systemPrompt: ['prompt do sistema', 'prompt de sistema', 'mensagem do sistema', 'instrucoes do sistema', 'instrucoes ocultas', 'instrucoes secretas', 'instrucoes iniciais', 'instrucoes originais'],
  secret: ['senha', 'chave de api', 'chave api', 'api key', 'token de acesso', 'credenciais', 'chave secreta', 'chave privada', 'codigo de verificacao'],
  send: ['envie', 'envia', 'enviar', 'mande', 'encaminhe', 'carregue', 'publique', 'poste'],
  role: ['a partir de agora', 'de agora em diante', 'agora voce e', 'finja', 'aja como', 'atue como', 'faca o papel', 'seu novo papel', 'comporte-se como'],
  unrestricted: ['sem restricoes', 'sem regras', 'sem limites', 'sem filtros', 'sem censura', 'modo desenvolvedor', 'jailbreak', 'nenhuma restricao'],
  pay: ['transfira', 'transferir', 'transferencia', 'pague', 'pagar', 'faca um pix', 'envie dinheiro', 'deposite'],
  money: ['r$', 'reais', '$', 'dolares', 'euros', 'conta', 'iban', 'pix', 'bitcoin', 'carteira'],
  covert: ['sem avisar', 'sem contar', 'sem informar', 'sem pedir confirmacao', 'nao conte', 'nao mencione', 'em segredo', 'discretamente', 'sem que o usuario', 'ja aprovado'],
  negation: ['nunca', 'nao ', 'jamais', 'ninguem'],
};

const ru: Lexicon = {
  ignore: ['игнорируй', 'игнорируйте', 'игнорировать', 'проигнорируй', 'забудь', 'забудьте', 'не обращай внимания', 'не обращайте внимания', 'отбрось', 'пренебреги', 'перестань следовать', 'больше не следуй', 'не следуй', 'отмени'],
  prior: ['предыдущ', 'прежн', 'выше', 'все ', 'всё', 'всех', 'исходн', 'первоначальн', 'системн', 'ранее'],
  instructions: ['инструкци', 'указани', 'правил', 'директив', 'промпт', 'ограничени', 'команд', 'установк'],
  reveal: ['покажи', 'покажите', 'раскрой', 'выведи', 'напечатай', 'повтори', 'скажи', 'расскажи', 'сообщи', 'выдай', 'дай мне', 'перечисли'],
  systemPrompt: ['системный промпт', 'системного промпта', 'системное сообщение', 'системные инструкции', 'скрытые инструкции', 'секретные инструкции', 'исходные инструкции', 'первоначальные инструкции'],
  secret: ['пароль', 'пароли', 'паролей', 'api-ключ', 'api ключ', 'ключ api', 'токен', 'учетные данные', 'учётные данные', 'секретный ключ', 'приватный ключ', 'закрытый ключ', 'код подтверждения'],
  send: ['отправь', 'отправьте', 'пошли', 'перешли', 'загрузи', 'опубликуй', 'передай'],
  role: ['с этого момента', 'отныне', 'теперь ты', 'притворись', 'представь, что ты', 'представь что ты', 'веди себя как', 'сыграй роль', 'действуй как', 'твоя новая роль'],
  unrestricted: ['без ограничений', 'без каких-либо ограничений', 'без правил', 'без фильтров', 'без цензуры', 'режим разработчика', 'джейлбрейк', 'нет никаких ограничений', 'никаких правил', 'никаких ограничений'],
  pay: ['переведи', 'переведите', 'перевод ', 'оплати', 'заплати', 'отправь деньги', 'перечисли'],
  money: ['руб', '₽', '$', 'долларов', 'евро', 'счет', 'счёт', 'карту', 'iban', 'биткоин', 'кошелек', 'кошелёк'],
  covert: ['не говоря пользователю', 'не сообщая', 'не говори пользователю', 'ничего не говори', 'не упоминай', 'тайно', 'незаметно', 'втихую', 'без подтверждения', 'без спроса', 'уже одобрено'],
  negation: ['никогда', 'не ', 'нельзя', 'никому'],
};

const ur: Lexicon = {
  ignore: ['نظرانداز', 'نظر انداز', 'بھول جاؤ', 'بھول جائیں', 'بھول جاو', 'مت مانو', 'پیروی مت', 'نظرانداز کریں'],
  prior: ['پچھلی', 'پچھلے', 'پہلے', 'اوپر', 'تمام', 'سب', 'اصل', 'سسٹم'],
  instructions: ['ہدایات', 'ہدایت', 'قواعد', 'اصول', 'احکامات', 'پرامپٹ'],
  reveal: ['دکھاؤ', 'دکھائیں', 'بتاؤ', 'بتائیں', 'ظاہر کرو', 'ظاہر کریں', 'پرنٹ', 'دہراؤ', 'لکھ دو'],
  systemPrompt: ['سسٹم پرامپٹ', 'سسٹم میسج', 'خفیہ ہدایات', 'ابتدائی ہدایات', 'پوشیدہ ہدایات', 'اصل ہدایات'],
  secret: ['پاس ورڈ', 'پاسورڈ', 'اے پی آئی کی', 'api key', 'ٹوکن', 'خفیہ کلید', 'نجی کلید', 'او ٹی پی', 'اسناد'],
  send: ['بھیجو', 'بھیجیں', 'بھیج دو', 'اپ لوڈ', 'فارورڈ'],
  role: ['اب سے', 'تم اب', 'آپ اب', 'ہونے کا دکھاوا', 'کا کردار', 'بن جاؤ'],
  unrestricted: ['بغیر کسی پابندی', 'کوئی پابندی نہیں', 'بغیر پابندی', 'کوئی اصول نہیں', 'بغیر اصول', 'ڈیولپر موڈ', 'جیل بریک', 'بغیر فلٹر'],
  pay: ['منتقل کرو', 'منتقل کریں', 'ادائیگی', 'پیسے بھیج', 'رقم بھیج', 'ٹرانسفر'],
  money: ['روپے', 'ڈالر', 'اکاؤنٹ', 'کھاتے', 'بٹ کوائن', 'والٹ', 'بینک'],
  covert: ['صارف کو بتائے بغیر', 'بتائے بغیر', 'چپکے سے', 'خاموشی سے', 'خفیہ طور پر', 'تصدیق کے بغیر', 'پوچھے بغیر'],
  negation: ['کبھی', 'مت', 'نہیں', 'نہ کریں'],
};

const id: Lexicon = {
  ignore: ['abaikan', 'lupakan', 'jangan ikuti', 'jangan hiraukan', 'jangan pedulikan', 'kesampingkan', 'tinggalkan', 'lewati', 'berhenti mengikuti'],
  prior: ['sebelumnya', 'di atas', 'semua', 'seluruh', 'awal', 'asli', 'sistem', 'sejauh ini'],
  instructions: ['instruksi', 'perintah', 'aturan', 'arahan', 'pedoman', 'prompt', 'batasan'],
  reveal: ['tampilkan', 'tunjukkan', 'ungkapkan', 'beritahu', 'beri tahu', 'cetak', 'ulangi', 'tuliskan', 'berikan', 'bocorkan', 'bagikan'],
  systemPrompt: ['prompt sistem', 'pesan sistem', 'instruksi sistem', 'instruksi tersembunyi', 'instruksi rahasia', 'instruksi awal', 'instruksi asli'],
  secret: ['kata sandi', 'password', 'kunci api', 'api key', 'token akses', 'kredensial', 'kunci rahasia', 'kunci privat', 'kode otp', 'kode verifikasi'],
  send: ['kirim', 'kirimkan', 'teruskan', 'unggah', 'posting'],
  role: ['mulai sekarang', 'sekarang kamu adalah', 'sekarang anda adalah', 'berpura-pura', 'berpura pura', 'bertindak sebagai', 'berperan sebagai', 'peran barumu'],
  unrestricted: ['tanpa batasan', 'tanpa aturan', 'tanpa batas', 'tanpa filter', 'tanpa sensor', 'mode pengembang', 'jailbreak', 'tidak ada batasan', 'tidak ada aturan'],
  pay: ['transfer', 'kirim uang', 'bayar', 'bayarkan', 'setor'],
  money: ['rp', 'rupiah', '$', 'dolar', 'rekening', 'bitcoin', 'dompet', 'dana'],
  covert: ['tanpa memberi tahu', 'tanpa memberitahu', 'jangan beri tahu', 'jangan bilang', 'diam-diam', 'secara rahasia', 'tanpa konfirmasi', 'tanpa bertanya', 'sudah disetujui'],
  negation: ['jangan', 'tidak ', 'tak ', 'pernah'],
};

const de: Lexicon = {
  ignore: ['ignoriere', 'ignorieren', 'ignorier', 'vergiss', 'vergessen sie', 'missachte', 'verwirf', 'setze dich uber', 'hore auf', 'befolge nicht', 'nicht mehr befolgen', 'beachte nicht', 'ubergehe', 'lass die', 'lassen sie die'],
  prior: ['vorherig', 'bisherig', 'obig', 'fruher', 'alle', 'samtliche', 'ursprunglich', 'anfanglich', 'system', 'bis jetzt', 'bisher'],
  instructions: ['anweisung', 'instruktion', 'regeln', 'vorgaben', 'richtlinien', 'befehle', 'prompt', 'einschrankungen', 'vorschriften'],
  reveal: ['zeige', 'zeig', 'gib', 'verrate', 'nenne', 'wiederhole', 'drucke', 'schreibe', 'offenbare', 'teile', 'gib mir', 'sag mir'],
  systemPrompt: ['systemprompt', 'system-prompt', 'systemnachricht', 'systemanweisung', 'versteckte anweisung', 'geheime anweisung', 'ursprungliche anweisung', 'anfangliche anweisung'],
  secret: ['passwort', 'passworter', 'kennwort', 'api-schlussel', 'api schlussel', 'api-key', 'zugangsdaten', 'zugangstoken', 'token', 'geheimer schlussel', 'privater schlussel', 'bestatigungscode'],
  send: ['sende', 'schicke', 'schick', 'leite', 'lade', 'poste', 'ubermittle', 'veroffentliche'],
  role: ['ab jetzt', 'von nun an', 'ab sofort', 'du bist jetzt', 'du bist nun', 'tu so', 'gib dich als', 'spiele die rolle', 'verhalte dich wie', 'handle als', 'deine neue rolle'],
  unrestricted: ['ohne einschrankungen', 'ohne regeln', 'ohne grenzen', 'ohne filter', 'ohne zensur', 'entwicklermodus', 'jailbreak', 'keine einschrankungen', 'keine regeln', 'keinerlei'],
  pay: ['uberweise', 'uberweisen', 'uberweisung', 'zahle', 'bezahle', 'sende geld', 'transferiere'],
  money: ['€', 'euro', '$', 'dollar', 'konto', 'iban', 'bitcoin', 'wallet', 'betrag'],
  covert: ['ohne den nutzer', 'ohne es zu sagen', 'ohne zu fragen', 'ohne nachzufragen', 'ohne bestatigung', 'sag dem nutzer nichts', 'erwahne nicht', 'heimlich', 'unbemerkt', 'stillschweigend', 'bereits genehmigt'],
  negation: ['niemals', 'nie ', 'nicht', 'kein', 'niemand'],
};

const ja: Lexicon = {
  ignore: ['無視', 'むし', '忘れ', 'わすれ', '従わな', 'したがわな', '破棄', 'スキップ', '気にしな', '上書き', '放棄'],
  prior: ['以前の', '前の', '先の', 'これまでの', '上記の', '上の', 'すべての', '全ての', '全部', '元の', '最初の', 'システム'],
  instructions: ['指示', '命令', 'ルール', '規則', '指令', 'プロンプト', '制約', 'ガイドライン', '設定'],
  reveal: ['見せ', '表示', '教え', '出力', '明かし', '開示', '繰り返', '書き出', '印刷', '共有し', '言って'],
  systemPrompt: ['システムプロンプト', 'システムメッセージ', '初期指示', '隠された指示', '秘密の指示', '元の指示', '最初の指示'],
  secret: ['パスワード', 'apiキー', 'api キー', 'アクセストークン', 'トークン', '認証情報', '秘密鍵', '秘密キー', '暗証番号', '確認コード'],
  send: ['送信', '送って', '送れ', '転送', 'アップロード', '投稿', 'メールで'],
  role: ['今から', 'これからは', '今後は', 'あなたは今', 'ふりをし', 'として振る舞', 'になりきっ', '役を演じ', '新しい役割'],
  unrestricted: ['制限なし', '制限のない', '制限なく', '制約なし', 'ルールなし', 'ルールのない', '無制限', 'フィルターなし', '検閲なし', '開発者モード', 'ジェイルブレイク', '脱獄'],
  pay: ['送金', '振り込', '振込', '支払', '入金'],
  money: ['円', 'ドル', 'ユーロ', '口座', 'ビットコイン', 'ウォレット', '銀行'],
  covert: ['ユーザーに知らせず', 'ユーザーに言わず', '伝えずに', '知らせずに', 'こっそり', '内緒で', '密かに', '確認なしで', '確認せずに', '承認済み'],
  negation: ['ないで', '絶対に', '決して', 'しない', 'ません', 'いけません'],
};

const ko: Lexicon = {
  ignore: ['무시', '잊어', '잊고', '잊으', '따르지 마', '따르지 말', '신경 쓰지 마', '건너뛰', '버리고', '폐기'],
  prior: ['이전', '앞의', '앞서', '위의', '위에', '모든', '전부', '기존', '원래', '처음', '시스템'],
  instructions: ['지시', '명령', '규칙', '지침', '프롬프트', '제약', '가이드라인', '설정'],
  reveal: ['보여', '알려', '출력', '공개', '밝혀', '반복', '말해', '적어', '인쇄', '공유해'],
  systemPrompt: ['시스템 프롬프트', '시스템 메시지', '초기 지시', '숨겨진 지시', '비밀 지시', '원래 지시', '처음 지시'],
  secret: ['비밀번호', '패스워드', 'api 키', 'api키', '액세스 토큰', '토큰', '자격 증명', '인증 정보', '비밀 키', '개인 키', '인증 코드', 'otp'],
  send: ['보내', '전송', '전달', '업로드', '게시', '메일로'],
  role: ['지금부터', '이제부터', '이제 너는', '이제 당신은', '인 척', '처럼 행동', '역할을 맡', '역할을 해', '새로운 역할'],
  unrestricted: ['제한 없이', '제한이 없는', '제한 없는', '규칙 없이', '규칙이 없는', '필터 없이', '검열 없이', '개발자 모드', '탈옥', '무제한'],
  pay: ['송금', '이체', '입금', '지불', '결제해'],
  money: ['만원', '천원', '달러', '유로', '계좌', '비트코인', '지갑', '은행'],
  covert: ['사용자에게 알리지', '사용자에게 말하지', '알리지 말고', '몰래', '조용히', '비밀리에', '확인 없이', '묻지 말고', '승인된'],
  negation: ['마세요', '말고', '않', '절대', '금지', '말아'],
};

const tr: Lexicon = {
  ignore: ['yok say', 'gormezden gel', 'unut', 'dikkate alma', 'uyma', 'bosver', 'gec ', 'takma', 'atla', 'gecersiz say'],
  prior: ['onceki', 'yukaridaki', 'tum', 'butun', 'ilk', 'orijinal', 'sistem', 'simdiye kadar', 'daha once'],
  instructions: ['talimat', 'kural', 'yonerge', 'komut', 'emir', 'istem', 'prompt', 'kisitlama'],
  reveal: ['goster', 'acikla', 'soyle', 'yazdir', 'tekrarla', 'yaz ', 'ver ', 'paylas', 'ifsa et', 'listele'],
  systemPrompt: ['sistem istemi', 'sistem promptu', 'sistem mesaji', 'sistem talimat', 'gizli talimat', 'ilk talimat', 'orijinal talimat', 'baslangic talimat'],
  secret: ['sifre', 'parola', 'api anahtar', 'api key', 'erisim token', 'token', 'kimlik bilgi', 'gizli anahtar', 'ozel anahtar', 'dogrulama kodu'],
  send: ['gonder', 'ilet', 'yukle', 'paylas', 'e-posta ile', 'postala'],
  role: ['bundan sonra', 'artik sen', 'simdi sen', 'gibi davran', 'rolunu oyna', 'rolune gir', 'taklit et', 'yeni rolun', 'miş gibi yap', 'mis gibi yap'],
  unrestricted: ['kisitlama olmadan', 'kisitlamasiz', 'kuralsiz', 'kural olmadan', 'sinirsiz', 'filtresiz', 'sansursuz', 'gelistirici modu', 'jailbreak', 'hicbir kisitlama', 'hicbir kural'],
  pay: ['havale', 'transfer et', 'ode ', 'odeme yap', 'para gonder', 'eft'],
  money: ['tl', '₺', 'lira', '$', 'dolar', 'euro', 'hesab', 'iban', 'bitcoin', 'cuzdan'],
  covert: ['kullaniciya soylemeden', 'kullaniciya haber vermeden', 'haber vermeden', 'sormadan', 'onay almadan', 'onaysiz', 'gizlice', 'sessizce', 'kimseye soyleme', 'zaten onaylandi'],
  negation: ['asla', 'hicbir zaman', 'paylasmayin', 'vermeyin', 'soylemeyin', 'gondermeyin', 'etmeyin', 'degil'],
};

const vi: Lexicon = {
  ignore: ['bo qua', 'phot lo', 'lo di', 'quen di', 'quen het', 'dung lam theo', 'dung tuan theo', 'khong can tuan theo', 'gat bo', 'vo hieu hoa'],
  prior: ['truoc do', 'truoc day', 'o tren', 'phia tren', 'tat ca', 'moi', 'ban dau', 'goc', 'he thong'],
  instructions: ['huong dan', 'chi dan', 'chi thi', 'quy tac', 'lenh', 'menh lenh', 'prompt', 'rang buoc', 'quy dinh'],
  reveal: ['hien thi', 'cho toi xem', 'cho xem', 'tiet lo', 'noi cho toi', 'in ra', 'lap lai', 'viet ra', 'dua cho toi', 'chia se', 'liet ke'],
  systemPrompt: ['prompt he thong', 'loi nhac he thong', 'thong diep he thong', 'chi dan he thong', 'huong dan he thong', 'chi dan an', 'huong dan an', 'chi dan bi mat', 'huong dan ban dau', 'chi dan ban dau'],
  secret: ['mat khau', 'khoa api', 'api key', 'ma truy cap', 'token', 'thong tin dang nhap', 'khoa bi mat', 'khoa rieng', 'ma otp', 'ma xac minh'],
  send: ['gui', 'chuyen tiep', 'tai len', 'dang len', 'email cho'],
  role: ['tu gio tro di', 'ke tu bay gio', 'bay gio ban la', 'gia vo', 'dong vai', 'hay hanh dong nhu', 'vai tro moi'],
  unrestricted: ['khong co gioi han', 'khong gioi han', 'khong co han che', 'khong han che', 'khong co quy tac', 'khong kiem duyet', 'che do nha phat trien', 'jailbreak', 'khong bo loc', 'vuot nguc'],
  pay: ['chuyen khoan', 'chuyen tien', 'thanh toan', 'tra tien', 'nap tien'],
  money: ['dong', 'vnd', '$', 'do la', 'tai khoan', 'bitcoin', 'vi tien', 'ngan hang'],
  covert: ['khong cho nguoi dung biet', 'khong bao nguoi dung', 'dung noi voi nguoi dung', 'am tham', 'bi mat', 'lang le', 'khong can xac nhan', 'khong hoi', 'da duoc phe duyet'],
  negation: ['khong bao gio', 'dung ', 'khong ', 'cam '],
};

const it: Lexicon = {
  ignore: ['ignora', 'ignorare', 'dimentica', 'dimenticare', 'non seguire', 'non tenere conto', 'trascura', 'scarta', 'smetti di seguire', 'lascia perdere', 'bypassa'],
  prior: ['precedent', 'sopra', 'tutte le', 'tutti i', 'iniziali', 'originali', 'di sistema', 'finora', 'che ti sono state date'],
  instructions: ['istruzion', 'regole', 'direttive', 'linee guida', 'ordini', 'prompt', 'restrizioni', 'indicazioni'],
  reveal: ['mostra', 'mostrami', 'rivela', 'rivelami', 'dimmi', 'stampa', 'ripeti', 'scrivi', 'dammi', 'condividi', 'elenca'],
  systemPrompt: ['prompt di sistema', 'messaggio di sistema', 'istruzioni di sistema', 'istruzioni nascoste', 'istruzioni segrete', 'istruzioni iniziali', 'istruzioni originali'],
  secret: ['password', 'chiave api', 'chiavi api', 'token di accesso', 'credenziali', 'chiave segreta', 'chiave privata', 'codice di verifica'],
  send: ['invia', 'inviare', 'manda', 'inoltra', 'carica', 'pubblica'],
  role: ['da ora in poi', "d'ora in poi", 'ora sei', 'fingi', 'fai finta', 'comportati come', 'agisci come', 'interpreta il ruolo', 'il tuo nuovo ruolo'],
  unrestricted: ['senza restrizioni', 'senza regole', 'senza limiti', 'senza filtri', 'senza censura', 'modalita sviluppatore', 'jailbreak', 'nessuna restrizione', 'nessuna regola'],
  pay: ['trasferisci', 'bonifico', 'paga ', 'pagare', 'invia denaro', 'versa '],
  money: ['€', 'euro', '$', 'dollari', 'conto', 'iban', 'bitcoin', 'portafoglio', 'fondi'],
  covert: ["senza dirlo", 'senza avvisare', 'senza informare', 'senza chiedere', 'senza conferma', 'non dire', 'non menzionare', 'di nascosto', 'in segreto', 'silenziosamente', 'gia approvato'],
  negation: ['mai', 'non ', 'nessuno'],
};

const pl: Lexicon = {
  ignore: ['zignoruj', 'ignoruj', 'zapomnij', 'pomin', 'nie zwracaj uwagi', 'nie stosuj sie', 'przestan stosowac', 'przestan przestrzegac', 'odrzuc', 'nie przestrzegaj'],
  prior: ['poprzedni', 'wczesniejsz', 'powyzsz', 'wszystkie', 'wszystkich', 'pierwotn', 'oryginaln', 'systemow', 'dotychczasow'],
  instructions: ['instrukcj', 'polecen', 'zasad', 'regul', 'wytyczn', 'prompt', 'ograniczen', 'rozkaz'],
  reveal: ['pokaz', 'ujawnij', 'powiedz', 'wypisz', 'wydrukuj', 'powtorz', 'napisz', 'podaj', 'udostepnij', 'zdradz', 'wyswietl'],
  systemPrompt: ['prompt systemowy', 'promptu systemowego', 'wiadomosc systemow', 'instrukcje systemowe', 'ukryte instrukcje', 'tajne instrukcje', 'pierwotne instrukcje', 'poczatkowe instrukcje'],
  secret: ['hasl', 'klucz api', 'klucze api', 'api key', 'token dostepu', 'token', 'dane logowania', 'dane uwierzytelniajace', 'klucz prywatny', 'tajny klucz', 'kod weryfikacyjny', 'kod blik'],
  send: ['wyslij', 'przeslij', 'przekaz', 'wrzuc', 'opublikuj', 'zaladuj'],
  role: ['od teraz', 'od tej chwili', 'teraz jestes', 'udawaj', 'zachowuj sie jak', 'wciel sie', 'odgrywaj role', 'twoja nowa rola', 'dzialaj jako'],
  unrestricted: ['bez ograniczen', 'bez zasad', 'bez regul', 'bez limitow', 'bez filtrow', 'bez cenzury', 'tryb dewelopera', 'jailbreak', 'zadnych ograniczen', 'zadnych zasad'],
  pay: ['przelej', 'przelew', 'zaplac', 'wplac', 'wyslij pieniadze', 'przekaz pieniadze'],
  money: ['zl', 'pln', '$', 'euro', 'dolar', 'konto', 'iban', 'bitcoin', 'portfel', 'srodki'],
  covert: ['bez informowania', 'nie informujac', 'nie mowiac', 'nie mow uzytkownikowi', 'nie wspominaj', 'po cichu', 'potajemnie', 'bez potwierdzenia', 'bez pytania', 'juz zatwierdzone'],
  negation: ['nigdy', 'nie ', 'nikomu', 'zadnym'],
};

const sv: Lexicon = {
  ignore: ['ignorera', 'glom', 'bortse fran', 'strunta i', 'sluta folja', 'folj inte', 'hoppa over', 'asidosatt', 'kasta bort'],
  prior: ['tidigare', 'foregaende', 'ovan', 'alla', 'samtliga', 'ursprungliga', 'forsta', 'system', 'hittills'],
  instructions: ['instruktion', 'regler', 'riktlinjer', 'direktiv', 'order', 'prompt', 'begransningar', 'anvisningar'],
  reveal: ['visa', 'avsloja', 'beratta', 'skriv ut', 'upprepa', 'skriv', 'ge mig', 'dela', 'lista', 'rabbla'],
  systemPrompt: ['systemprompt', 'systemmeddelande', 'systeminstruktion', 'dolda instruktioner', 'hemliga instruktioner', 'ursprungliga instruktioner', 'forsta instruktionerna'],
  secret: ['losenord', 'api-nyckel', 'api nyckel', 'api-nycklar', 'atkomsttoken', 'token', 'inloggningsuppgifter', 'hemlig nyckel', 'privat nyckel', 'verifieringskod', 'bankid'],
  send: ['skicka', 'vidarebefordra', 'ladda upp', 'posta', 'mejla', 'publicera'],
  role: ['fran och med nu', 'fran och med nu ar du', 'nu ar du', 'latsas', 'later som', 'bete dig som', 'agera som', 'spela rollen', 'din nya roll'],
  unrestricted: ['utan begransningar', 'utan regler', 'utan granser', 'utan filter', 'utan censur', 'utvecklarlage', 'jailbreak', 'inga begransningar', 'inga regler'],
  pay: ['overfor', 'overforing', 'betala', 'swisha', 'skicka pengar', 'satt in'],
  money: ['kr', 'kronor', 'sek', '$', 'euro', 'konto', 'iban', 'bitcoin', 'planbok'],
  covert: ['utan att beratta', 'utan att fraga', 'utan att meddela', 'utan bekraftelse', 'beratta inte', 'namn inte', 'i hemlighet', 'tyst', 'obemarkt', 'redan godkand'],
  negation: ['aldrig', 'inte', 'ingen', 'inga'],
};

const nl: Lexicon = {
  ignore: ['negeer', 'vergeet', 'houd geen rekening', 'volg niet', 'stop met volgen', 'sla over', 'gooi weg'],
  prior: ['vorige', 'eerdere', 'bovenstaande', 'alle', 'oorspronkelijke', 'systeem', 'tot nu toe'],
  instructions: ['instructie', 'regels', 'richtlijnen', 'opdrachten', 'prompt', 'beperkingen', 'aanwijzingen'],
  reveal: ['toon', 'laat zien', 'onthul', 'vertel', 'print', 'herhaal', 'schrijf', 'geef me', 'deel'],
  systemPrompt: ['systeemprompt', 'systeembericht', 'systeeminstructie', 'verborgen instructies', 'geheime instructies', 'oorspronkelijke instructies'],
  secret: ['wachtwoord', 'api-sleutel', 'api sleutel', 'toegangstoken', 'token', 'inloggegevens', 'geheime sleutel', 'privesleutel', 'verificatiecode'],
  send: ['stuur', 'verstuur', 'doorsturen'],
  role: ['vanaf nu', 'je bent nu', 'doe alsof', 'gedraag je als', 'speel de rol', 'je nieuwe rol'],
  unrestricted: ['zonder beperkingen', 'zonder regels', 'zonder grenzen', 'zonder filter', 'zonder censuur', 'ontwikkelaarsmodus', 'jailbreak', 'geen beperkingen', 'geen regels'],
  pay: ['maak over', 'overmaken', 'betaal', 'stort'],
  money: ['€', 'euro', '$', 'rekening', 'iban', 'bitcoin', 'wallet'],
  covert: ['zonder te vertellen', 'zonder te vragen', 'zonder bevestiging', 'vertel het niet', 'in het geheim', 'stilletjes', 'al goedgekeurd'],
  negation: ['nooit', 'niet', 'geen', 'niemand'],
};

const fa: Lexicon = {
  ignore: ['نادیده بگیر', 'فراموش کن', 'بی‌توجه', 'پیروی نکن', 'کنار بگذار'],
  prior: ['قبلی', 'بالا', 'همه', 'تمام', 'اصلی', 'سیستم'],
  instructions: ['دستورالعمل', 'دستورات', 'قوانین', 'قواعد', 'پرامپت'],
  reveal: ['نشان بده', 'فاش کن', 'بگو', 'چاپ کن', 'تکرار کن', 'بنویس'],
  systemPrompt: ['پرامپت سیستم', 'پیام سیستم', 'دستورالعمل‌های پنهان', 'دستورات مخفی', 'دستورالعمل اولیه'],
  secret: ['رمز عبور', 'گذرواژه', 'کلید api', 'توکن', 'اطلاعات ورود', 'کلید خصوصی', 'کد تایید'],
  send: ['بفرست', 'ارسال کن', 'آپلود کن', 'فوروارد'],
  role: ['از این به بعد', 'از حالا', 'تو الان', 'وانمود کن', 'نقش', 'رفتار کن مثل'],
  unrestricted: ['بدون محدودیت', 'بدون قانون', 'بدون فیلتر', 'بدون سانسور', 'حالت توسعه‌دهنده', 'جیلبریک'],
  pay: ['انتقال بده', 'واریز کن', 'پرداخت کن', 'پول بفرست'],
  money: ['تومان', 'ریال', 'دلار', 'حساب', 'بیت‌کوین', 'کیف پول'],
  covert: ['بدون اطلاع کاربر', 'به کاربر نگو', 'مخفیانه', 'بی‌صدا', 'بدون تایید'],
  negation: ['هرگز', 'نه '],
};

/** Every language's words, by code (ISO 639-1). */
export const LEXICONS: Record<string, Lexicon> = { en, zh, hi, es, fr, ar, bn, pt, ru, ur, id, de, ja, ko, tr, vi, it, pl, sv, nl, fa };

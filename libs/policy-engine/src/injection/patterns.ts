import type { InjectionCategory } from './types';

// The rules run on normalised text (normalise.ts): lower case, no accents, plain quotes, single spaces.
// Weights combine as 1 - Π(1 - w): a rule of 0.5 or more flags on its own at the default threshold;
// weaker cues (0.2–0.45) only flag together.

export interface TextRule {
  id: string;
  category: InjectionCategory;
  weight: number;
  pattern: RegExp;
  /** Skip a match preceded by a negation ("never share your password", "do not call the delete tool"). */
  negatable?: boolean;
}

const alt = (...xs: string[]) => `(?:${xs.join('|')})`;
/** Up to n words between two parts, not crossing a sentence end or code punctuation; at least one space. */
const gap = (n: number) => String.raw`(?:\s+[^\s{}()\[\];!?]*[^\s{}()\[\];!?.:]){0,${n}}?\s+`;
/** Lets a noun sit at the end of a path or dotted name: "~/.aws/credentials", "process.env.stripe_secret_key". */
const PATH_PREFIX = String.raw`(?:\S*[/.])?`;

const IGNORE_VERB = alt(
  'ignore', 'disregard', 'forget', 'skip', 'overlook', 'discard', 'drop', 'abandon', 'bypass', 'override', 'overrule', 'overwrite',
  'cancel', 'set aside', 'put aside', 'pay no attention to', 'do not follow', "don't follow", 'dont follow', 'stop following', 'disobey', 'scrap',
  'stop obeying', 'quit following', 'no longer obey', 'no longer follow', 'stop listening to', 'throw out', 'toss out',
  'ignore[sz]', 'ignorer', 'oublie[sz]?', 'oublier', 'ne (?:tiens|tenez|tenir) (?:pas|plus) compte', 'faites abstraction', 'fais abstraction',
  'ignoriere', 'ignorieren', 'vergiss', 'vergessen sie', 'missachte', 'verwirf', 'lass', 'lassen sie', 'befolge nicht',
  'ignora', 'ignoren', 'olvida', 'olvide', 'olvidate de', 'haz caso omiso', 'no sigas', 'no hagas caso', 'descarta', 'desconsidera', 'desconsidere',
  'esqueca', 'dimentica', 'negeer',
);
const QUAL_BEFORE = alt(
  'previous', 'prior', 'preceding', 'above', 'earlier', 'foregoing', 'former', 'initial', 'original', 'all', 'any', 'every', 'your', 'whatever',
  'system', 'developer', 'default', 'existing', 'current',
  'toutes', 'tous', 'tes', 'vos', 'votre', 'ton', 'precedentes?', 'anterieures?',
  'alle', 'allen', 'vorherigen?', 'bisherigen?', 'obigen?', 'deine[nrs]?', 'ihre[nrs]?', 'samtliche[n]?', 'ursprunglichen?', 'fruheren?', 'vorigen?',
  'todas', 'todos', 'tus', 'sus', 'previas?', 'anteriores', 'tutte', 'tutti', 'tue', 'precedenti', 'suas', 'eerdere', 'jouw',
);
const INSTRUCTIONS_OTHER_LANGUAGES = alt(
  'consignes?', 'regles', 'indications', 'ordres',
  'anweisung(?:en)?', 'instruktionen', 'regeln', 'vorgaben', 'richtlinien', 'befehle', 'systemprompt',
  'instrucciones', 'reglas', 'normas', 'directrices', 'indicaciones', 'istruzioni', 'regole', 'direttive', 'instrucoes', 'regras', 'instructies', 'regels',
);
const INSTRUCTIONS = alt(
  'instructions?', 'directions', 'directives?', 'rules', 'guidelines', 'guidance', 'prompts?', 'commands', 'orders', 'constraints', 'programming',
  'polic(?:y|ies)', 'restrictions', 'safeguards', 'guardrails', 'context', 'system prompt', 'system message', 'tasks?', 'goals?', 'objectives?',
  'configuration', 'setup', 'brief(?:ing)?', 'preamble', 'checks', 'persona',
  INSTRUCTIONS_OTHER_LANGUAGES,
);
const QUAL_AFTER = alt(
  'above', 'before', 'prior', 'so far', "you(?: were|'ve been| have been| got| received)", 'given (?:to you|earlier|before)',
  '(?:from|of) (?:your|the) (?:developers?|operators?|creators?|admins?|system)',
  '(?:that |which )?(?:your|the) (?:developers?|operators?|creators?|admins?|owners?) (?:gave|wrote|set|provided|configured)',
  'you (?:started|began|were started|were configured|were set up) with', 'you were told to', 'precedentes?', 'anterieures?', 'ci[ -]dessus', 'initiales?',
  'du systeme', "qu'on t'a", 'donnees', 'von (?:vorhin|vorher|oben)', 'anteriores', 'previas?', 'del sistema', 'precedenti', 'anteriori',
  'iniciales', 'originales',
);
const AI = alt('ai', 'a\\.i\\.', 'llms?', 'language models?', 'assistants?', 'agents?', 'bots?', 'chatbots?', 'models?', 'copilot', 'chatgpt', 'claude', 'gpt', 'ia', 'ki');
/** Who hidden notes are addressed to: the model itself, or a pipeline stage that is one. */
const AI_READER = alt(AI, 'summari[sz]ers?');
const CHAT_TOKEN = String.raw`(?:<\|(?:im_start|im_end|endoftext|system|user|assistant|eot_id|start_header_id|end_header_id|begin_of_text)\|>|\[/?inst\]|<</?sys>>|<(?:start|end)_of_turn>)`;

const REVEAL_VERB = alt(
  'reveal', 'show', 'print', 'output', 'display', 'repeat', 'tell', 'give', 'dump', 'leak', 'write out', 'share', 'list', 'quote', 'disclose',
  'expose', 'paste', 'recite', 'spell out', 'type out',
  'affiche[sz]?', 'montre[sz]?', 'donne[sz]?', 'revele[sz]?', 'repete[sz]?', 'zeig(?:e|en sie)?', 'gib', 'nenne', 'wiederhole', 'verrate',
  'muestra(?:me)?', 'dime', 'dame', 'revela(?:me)?', 'repite', 'imprime', 'escribe', 'mostra(?:mi)?', 'dammi', 'rivela',
);
const SECRET_VERB = alt(
  // not bare "email": too often a noun ("select id, email from users where password_reset_token")
  'reveal', 'show', 'print', 'output', 'display', 'tell', 'give', 'dump', 'leak', 'list', 'share', 'send', 'forward', 'email (?:me|us|them)', 'post', 'paste',
  'include', 'attach', 'copy', 'read', 'collect', 'exfiltrate', 'upload', 'extract', 'steal', 'grab', 'harvest', 'retrieve', 'provide', 'expose', 'disclose',
  'cat', 'what is', "what's",
  'affiche[sz]?', 'donne[sz]?', 'envoie[sz]?', 'envoyer', 'transfere[sz]?', 'montre[sz]?', 'revele[sz]?', 'dis',
  'gib', 'zeig(?:e|en sie)?', 'schick(?:e|en sie)?', 'sende', 'nenne', 'verrate',
  'dime', 'dame', 'envia', 'manda', 'muestra(?:me)?', 'revela', 'comparte', 'invia', 'mostra(?:mi)?', 'dammi',
);
const STRONG_SECRET = alt(
  'passwords?', 'passwd', 'credentials?', 'api ?keys?', 'api_keys?', 'secret ?keys?', 'access ?keys?', 'private ?keys?', 'ssh ?keys?', 'id_rsa',
  'bearer tokens?', 'access tokens?', 'auth(?:entication)? tokens?', 'session (?:tokens?|cookies?)', '(?:github|aws|openai|stripe|slack) (?:tokens?|keys?)',
  '\\.env\\b', '\\.netrc', 'secrets vault', '(?:activation|license|product|serial) keys?', 'credit card numbers?', 'card numbers?', 'cookies?',
  '[a-z0-9]+_[a-z0-9_]*(?:secret|key|token|password)[a-z0-9_]*', '(?:secret|api|access)_[a-z0-9_]+',
  'mots? de passe', 'identifiants', 'cles? api', 'passw(?:o|ö)rter', 'passwort', 'zugangsdaten', 'api[ -]?schlussel', 'contrasenas?', 'credenciales',
  'claves? de api', 'token de acceso', 'chiavi api',
);
/** "password policy", "password reset": a topic, not a secret. */
const NOT_A_SECRET = String.raw`(?!\s+(?:polic(?:y|ies)|reset|resets|manager|managers|strength|rules|requirements|length|hash|hashes|field|rotation|change))`;
const WEAK_SECRET = alt('environment variables', 'env vars', 'tokens?', 'secrets?', 'keys');
const DESTINATION = String.raw`(?:https?://|www\.|[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3}|webhook)`;
const SEND_VERB = alt(
  '(?:send|post|email|upload|forward)_\\w+', 'send', 'post', 'forward', 'upload', 'email', 'e[ -]?mail', 'transmit', 'exfiltrate', 'leak', 'submit', 'paste', 'deliver', 'append', 'pipe',
  'make a (?:get|post) request', 'envoie[sz]?', 'envoyer', 'transfere[sz]?', 'transferer', 'schick(?:e|en sie)?', 'sende[n]?', 'leite',
  'envia', 'manda', 'reenvia', 'invia',
);
const NO_LIMITS = alt('no', 'without', 'free of', 'freed from', 'free from', 'broken free of', 'exempt from', 'sans', 'aucune?', 'ohne', 'keine?n?', 'jegliche',
  'sin', 'ninguna?', 'liberee?s? de', 'libre de', 'senza', 'nessuna');
const LIMITS = alt(
  'restrictions?', 'rules', 'guidelines', 'limits', 'limitations', 'filters?', 'content polic(?:y|ies)', 'polic(?:y|ies)', 'ethics', 'morals',
  'moral guidelines', 'safety(?: training| features| rules| guidelines)?', 'censorship', 'guardrails', 'constraints', 'boundaries',
  'regles', 'einschrankungen', 'regeln', 'restricci(?:on|ones)', 'normas(?: eticas)?', 'filtros', 'reglas', 'regole', 'restrizioni',
);

const r = (id: string, category: InjectionCategory, weight: number, source: string, negatable = false): TextRule => ({
  id, category, weight, pattern: new RegExp(source, 'g'), negatable,
});

export const TEXT_RULES: readonly TextRule[] = [
  // ── ignore / override earlier instructions ──────────────────────────────────────────────────────────────
  r('ignore-previous-instructions', 'ignore-instructions', 0.85, String.raw`\b${IGNORE_VERB}\b${gap(4)}${QUAL_BEFORE}\b${gap(2)}${PATH_PREFIX}${INSTRUCTIONS}\b`, true),
  r('ignore-instructions-qualified-after', 'ignore-instructions', 0.85, String.raw`\b${IGNORE_VERB}\b${gap(3)}${INSTRUCTIONS}\b${gap(2)}${QUAL_AFTER}`, true),
  r('ignore-system-prompt', 'ignore-instructions', 0.8, String.raw`\b${IGNORE_VERB}\b${gap(3)}(?:the |your )?(?:system (?:prompt|message|instructions)|developer instructions)\b`, true),
  r('ignore-the-above', 'ignore-instructions', 0.65, String.raw`\b(?:ignore|disregard|forget|skip|oublie[sz]?|olvida|vergiss|ignora|ignoriere)\s+(?:(?:everything|all|anything|tout|todo|alles)\s+)?(?:of\s+)?(?:the\s+)?(?:above|ci dessus|oben)\b`),
  r('forget-what-you-were-told', 'ignore-instructions', 0.75, String.raw`\b(?:forget|ignore|disregard|oublie[sz]?|olvida|vergiss|ignora)\s+(?:about\s+)?(?:everything|all|anything|whatever|tout|todo|alles)\b[^.\n]{0,30}?(?:\byou\s+(?:were|was|have been|'ve been|have|'ve)\s+(?:told|given|instructed|taught)|(?:qu'on|que l'on|on)\s+t'a\s+(?:dit|donne|appris)|\bte (?:dijeron|han dicho)|\b(?:dir|man dir)\s+(?:\w+\s+)?gesagt|\b(?:before|earlier|previously|so far)\b)`),
  r('ignore-the-user', 'ignore-instructions', 0.5, String.raw`\b(?:ignore|disregard|skip|don't do|do not do|don't answer|do not answer|don't follow|do not follow)\s+(?:what\s+)?the\s+(?:\w+\s+)?(?:user(?:'s)?|request|question)\b`),
  r('instructions-void', 'ignore-instructions', 0.7, String.raw`\b(?:${QUAL_BEFORE}\s+(?:\w+\s+)?)?(?:instructions?|guidelines|directives|constraints|rules|restrictions|requests|context|goal|task|system prompt|prompt|${INSTRUCTIONS_OTHER_LANGUAGES})\s+(?:(?:you|you've|you have)\s+(?:got|were given|received|been given)\s+(?:from\s+(?:the\s+|your\s+)?\w+\s+)?|(?:\S+\s+){0,4}?)(?:no longer (?:apply|valid|matter|relevant|in effect)|(?:is|are) (?:now )?(?:void|obsolete|outdated|cancell?ed|revoked|invalid|null|suspended|lifted|deprecated)|(?:have|has) been (?:updated|revoked|cancell?ed|replaced|lifted|removed|changed|overridden)|(?:were|was) (?:just )?a test|contained an error|must be ignored|(?:do not|don't) apply|ya no (?:son validas|aplican|cuentan)|ne s'appliquent plus|sont annulees)`),
  r('instructions-void-de', 'ignore-instructions', 0.7, String.raw`\b(?:(?:regeln|anweisungen|vorgaben|richtlinien)\s+gelten|gelten\s+(?:\S+\s+){0,3}?(?:regeln|anweisungen|vorgaben|richtlinien))\s+(?:\S+\s+){0,2}?nicht mehr\b`),
  r('supersedes-instructions', 'ignore-instructions', 0.5, String.raw`\b(?:supersedes?|overrides?|takes? precedence over)\s+(?:all\s+)?(?:of\s+)?(?:the\s+)?(?:earlier|previous|prior|your|any|other|existing|original|system)?\s*(?:ones|instructions|rules|guidelines|prompt|directions|constraints|the user's|user's)\b`),
  r('new-instructions', 'ignore-instructions', 0.35, String.raw`\b(?:new|updated|revised|additional|nouvelles?|neuen?|nuevas?|nuove?)\s+(?:\w+\s+)?(?:instructions?|task|consignes?|taches?|aufgabe|anweisung(?:en)?|instrucciones|tarea|istruzioni|prompt|rules?|directives?)(?:\s*[:(]|\s+(?:is|are|follow|from|prioritaire)\b|\s+for\s+(?:the\s+)?${AI}\b)`),
  r('real-instructions', 'ignore-instructions', 0.5, String.raw`\b(?:your|the|my)\s+(?:real|actual|true|correct)\s+(?:instructions?|task|orders|rules|prompt|directives?)\b`),
  r('from-now-on', 'ignore-instructions', 0.35, String.raw`\b(?:from now on|from this point (?:on|forward)|henceforth|ab (?:jetzt|sofort)|von nun an|desde ahora|a partir de ahora|dorenavant|a partir de maintenant|d'ora in poi)\b[^.\n]{0,60}?\b(?:you|your|du|dein|deine|tu|tes|tus|eres|respond|reply|answer|antwort\w*|repond\w*|contesta\w*|obey|act|only)\b`),
  r('put-instructions-aside', 'ignore-instructions', 0.7, String.raw`\b(?:put|set|leave|cast|push)\s+(?:your|the|all|any|those)\s+(?:\w+\s+){0,2}?${INSTRUCTIONS}\s+aside\b`, true),
  r('forced-output', 'ignore-instructions', 0.3, String.raw`\b(?:(?:reply|respond|answer|output|print|say|write|return)\s+(?:only|just|solely|nothing but)\b|(?:only|just)\s+(?:reply|respond|answer|output|print|say|write)\s+(?:with\s+)?(?:the\s+)?(?:word|string|phrase|"|')|single word\b|your only (?:job|task|purpose|goal) (?:now )?is|answer every question with|responde solo|reponds uniquement|nur noch mit)`, true),
  r('addresses-ai-reader', 'ignore-instructions', 0.25, String.raw`(?:\b(?:note|message|instructions?|reminder|hint|tip|task)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?(?:automated\s+)?${AI_READER}\b|\b(?:if you are|if you're|to any|to the|dear|hey|attention|attn)\s+(?:an?\s+)?(?:automated\s+)?${AI}\b|\b(?:ai|llm)\s+(?:assistants?|agents?|models?|systems?|reviewers?|summari[sz]ers?|recruiters?|crawlers?)\s*(?:reading|processing|summari[sz]ing|must|should|:|,)|(?:^|\n|[.!?:>]\s*)\s*(?:assistant|agent|ai|bot|asistente)\s*[,:]\s|\b(?:note|remarque|hinweis|nota|anweisung)\s+(?:pour|fur|para|an)\s+(?:l'|den |el |la |die )?(?:assistant|ki|ia|asistente|intelligence)|\bki[ -]systeme\b)`),
  // ── secret, credential and system-prompt exfiltration ────────────────────────────────────────────────────
  r('reveal-system-prompt', 'secret-exfiltration', 0.7, String.raw`\b${REVEAL_VERB}\b(?:[\s-]+(?:me|mir|moi))?${gap(5)}(?:your|the|its|ton|ta|tes|votre|vos|dein|deine|deinen|deiner|tu|tus|su|sus|il tuo|le tue)\s+(?:\S+\s+){0,2}?(?:system prompt|system message|systemprompt|prompt del sistema|prompt systeme|prompt|initial instructions|hidden (?:instructions|rules|prompt|preamble)|secret instructions|confidential (?:instructions|parts)|original instructions|instructions|configuration|config|context window|pre[ -]?prompt|preamble|setup (?:text|message)|geheimen anweisungen|anweisungen|instrucciones|consignes)\b`, true),
  r('asks-what-the-prompt-is', 'secret-exfiltration', 0.6, String.raw`\b(?:what (?:is|are|was|were|'s) (?:(?:written|contained|said|stated) )?(?:in )?your\s+(?:\w+\s+)?(?:system prompt|prompt|instructions|rules|system message)|what (?:\w+\s+){0,2}?(?:instructions|rules|prompt) (?:were|have) you (?:been )?(?:given|told)|what (?:were|have) you (?:been )?(?:told|instructed|programmed)|(?:first|last|initial)\s+\S+\s+(?:words|lines|sentences|characters|tokens|paragraphs)\s+of\s+(?:your|the)\s+(?:\w+\s+)?(?:prompt|instructions|system))\b`),
  r('repeat-text-above', 'secret-exfiltration', 0.65, String.raw`\b(?:repeat|print|output|copy|quote|reproduce|recite|write out)\s+(?:\S+\s+){0,3}?(?:text|words|content|everything|messages?|lines?|instructions)\s+(?:\S+\s+){0,3}?(?:above|before this|prior to|so far|preceding|verbatim|word for word)\b`),
  r('message-before-mine', 'secret-exfiltration', 0.5, String.raw`\b(?:message|text|prompt|instructions?|words)\s+(?:that\s+)?(?:came|comes|come|is|was|were|appears?|appeared)\s+(?:right\s+|just\s+)?(?:before|above|ahead of)\s+(?:mine|my (?:message|question|first message)|this (?:one|message|conversation)|the user(?:'s)? (?:message|turn))\b`),
  r('quote-it-whole', 'secret-exfiltration', 0.3, String.raw`\b(?:quote|repeat|reproduce|recite|print|output)\s+(?:it|them|that|this|everything)\s+(?:in full|verbatim|word for word|exactly|in its entirety)\b`),
  r('secret-instructions-mentioned', 'secret-exfiltration', 0.3, String.raw`\b(?:hidden|secret|confidential|internal|private)\s+(?:instructions|prompt|rules|system prompt)\b`),
  r('credential-request', 'secret-exfiltration', 0.55, String.raw`\b${SECRET_VERB}\b(?:[\s-]+(?:me|mir|moi))?${gap(8)}${PATH_PREFIX}${STRONG_SECRET}\b${NOT_A_SECRET}`, true),
  r('asks-which-secrets', 'secret-exfiltration', 0.55, String.raw`\bwhat\s+(?:\w+\s+)?(?:secret keys?|api keys?|passwords?|credentials|tokens|secrets)\s+(?:do|did|can|could)\s+you\s+(?:have|know|see|store|hold|remember)\b`),
  r('secret-request-weak', 'secret-exfiltration', 0.3, String.raw`\b${SECRET_VERB}\b(?:[\s-]+(?:me|mir|moi))?${gap(6)}${WEAK_SECRET}\b`, true),
  r('send-to-external-destination', 'secret-exfiltration', 0.45, String.raw`\b${SEND_VERB}\b[^\n]{0,120}?\b(?:to|at|an|a|into|vers|hacia)(?:\s*=\s*['"]?|\s+)(?:my\s+\w+\s+at\s+)?${DESTINATION}`, true),
  r('send-user-data', 'secret-exfiltration', 0.35, String.raw`\b(?:${SEND_VERB}|include|summari[sz]e|url[ -]encode)\b${gap(6)}(?:full |entire |whole )?(?:conversation(?: history)?|chat history|chat log|last \w+ messages|the user's (?:\w+ )?(?:data|email|emails|location|files|address|inbox|messages|passwords|history)|user data|customer (?:table|data|list)|contacts|address book|inbox|boite de reception|chatverlauf|kundendaten|lista de clientes|fichier clients)\b`, true),
  r('markdown-image-with-data', 'secret-exfiltration', 0.65, String.raw`!\[[^\]\n]{0,100}\]\(\s*https?://[^)\s?]{1,300}\?(?=[^)\s]{0,2000}?(?:\{|<|\.\.\.|data|token|key|session|cookie|pass|secret|email|history|chat|conversation|summary|card|[?&][qdcku]=))[^)\s]{0,2000}\)`),
  r('url-with-data-placeholder', 'secret-exfiltration', 0.45, String.raw`https?://[^\s?)"'<>]{1,300}\?(?:[^\s&)"'<>]{0,300}&){0,30}?[a-z_]{1,40}=(?:\{\{?[^}\s]*\}\}?|<[^>\s]*>|\.\.\.|[a-z_]*(?:token|session|cookie|data|key|secret|password|history|chat)[a-z_]*\b|(?=[\s)"'<]|$))`),
  // ── role hijack: personas, "developer mode", no-restrictions, fake turns ──────────────────────────────────
  r('known-jailbreak-persona', 'role-hijack', 0.85, String.raw`(?:\b(?:do anything now|strive to avoid norms|always intelligent and machiavellian|betterdan|evilbot|(?:you have been|you've been|you are now|you're now) jailbroken|jailbroken (?:gpt|ai|model|mode|assistant))\b|\b(?:you are|you're|act as|acting as|answer as|respond (?:only )?as|stay in character as|pretend to be|roleplay as|role[ -]play as|you will (?:now )?(?:act|be) as|become)\s+(?:now\s+)?(?:going to act as\s+)?["']?(?:dan|stan|dude|aim|mongo tom|anti[ -]?gpt|betterdan|evilbot|apophis)\b)`),
  r('unrestricted-mode', 'role-hijack', 0.6, String.raw`\b(?:god|unrestricted|jailbreak|jailbroken|dan|unfiltered|uncensored|evil|chaos|no[ -]filter|opposite)\s+mode\b`),
  r('mode-switch-for-ai', 'role-hijack', 0.45, String.raw`\b(?:developer|dev|admin|sudo|root|maintenance|debug|superuser)\s+mode\b[^\n]{0,80}?\b(?:you|respond|responses|answer|content polic(?:y|ies)|restrictions|filters?|safety|rules|guidelines|swear|comply|obey|commands)\b`),
  r('no-restrictions-persona', 'role-hijack', 0.75, String.raw`\b(?:pretend|imagine|act as if|behave as if|roleplay as|role[ -]play as|you are|you're|you have|you will|act as|play the role of|respond as|become|joue le role|fais comme si|finge|imagina|stell dir vor|tu es|du bist|eres|sei|actua como|du hast)\b[^.\n]{0,100}?\b${NO_LIMITS}\s+(?:\w+\s+){0,2}?${LIMITS}\b`),
  r('unrestricted-ai', 'role-hijack', 0.6, String.raw`\b(?:unrestricted|unfiltered|uncensored|unlocked|unbound|jailbroken)\s+(?:\w+\s+)?(?:ai|model|assistant|version|persona|bot|llm|gpt)\b|\bexempt from\b[^.\n]{0,30}?\b(?:polic(?:y|ies)|rules|restrictions|approvals?)\b`),
  r('answer-without-limits', 'role-hijack', 0.5, String.raw`\b(?:answer|respond|reply|talk|speak|write|comply|continue)\s+(?:\w+\s+){0,3}?without\s+(?:any\s+)?(?:restrictions|filters|filtering|rules|limits|censorship|guidelines|safety)\b`),
  r('no-longer-bound', 'role-hijack', 0.6, String.raw`\b(?:you(?:'re| are) no longer|you(?:'re| are) not) (?:bound|restricted|limited|constrained|governed) by\b|\bprior constraints (?:are|have been) (?:lifted|removed|void)\b`),
  r('you-are-now', 'role-hijack', 0.3, String.raw`\b(?:you are now|you're now|you will now be|you are no longer|you're no longer|your new (?:identity|persona|name|role) is|tu es maintenant|tu es desormais|du bist jetzt|du bist ab jetzt|ab jetzt bist du|ahora eres|a partir de ahora eres|d'ora in poi sei|new persona)\b`),
  r('unconditional-obedience', 'role-hijack', 0.4, String.raw`\b(?:(?:obey|comply with|follow|execute)\s+(?:every|all|any|the following)\s+(?:\w+\s+)?(?:requests?|commands?|instructions?|orders?)|without (?:question|questioning|refusing|refusal|exception|hesitation|warnings|disclaimers)|never (?:refuses?|says? no)|always (?:comply|complies|answers?|obeys?)|no matter what|legal or not|never refuse|(?:doesn't|does not|don't) care about (?:the )?(?:guidelines|rules|policies)|with no exceptions|whatever (?:i|the user) (?:types?|says?|asks?)|say yes to everything|nunca se niega)\b`),
  r('safety-disabled', 'role-hijack', 0.55, String.raw`\b(?:(?:content polic(?:y|ies)|safety (?:rules|features|filters?|guidelines)|filters?|guardrails|content filter(?:ing)?|guidelines|censorship)\s+(?:(?:is|are|has been|have been|were|was|got)\s+)?(?:now\s+)?(?:off|disabled|suspended|lifted|removed|turned off|switched off|deactivated)|(?:disable|turn off|deactivate|remove|bypass|lift|drop)\s+(?:all\s+)?(?:of\s+)?(?:your|the|any|my)?\s*(?:safety|content|ethical)?\s*(?:filters?|guardrails|restrictions|content polic(?:y|ies)|safety (?:rules|features|measures)|guidelines))\b`),
  r('granted-privileges', 'role-hijack', 0.4, String.raw`\byou(?:'ve| have| are| were)? (?:been |now )?granted (?:\w+ )?(?:elevated|admin(?:istrator)?|full|root|special|unrestricted) (?:privileges|access|rights|permissions)\b`),
  r('system-authority-label', 'role-hijack', 0.4, String.raw`\bsystem\s+(?:override|instructions?|message|notice|update|alert|prompt override|directive)\b(?:\s+for\s+\w+(?:\s+\w+)?)?\s*[:(\-]|\b(?:update|message|notice|instructions?|order|directive)\s+from\s+(?:your|the)\s+(?:developers?|creators?|admin(?:istrator)?s?|operators?|openai|anthropic|owner)\b|\b(?:i am|i'm)\s+(?:the|your)\s+(?:developer|creator|admin(?:istrator)?|operator|owner)\b|\b(?:updated|authori[sz]ed|changed) by (?:the |your )?(?:administrator|admin|operator|developers?)\b`),
  r('fake-system-turn', 'role-hijack', 0.45, String.raw`(?:(?:^|\n|>)\s*(?:[#>*\-]+\s*)?(?:\[|\(|\*\*)?(?:system|sys)(?:\]|\)|\*\*)?\s*:|\[system\]\(#\w*\)|^\s*\[system\])`),
  r('fake-assistant-turn', 'role-hijack', 0.6, String.raw`(?:(?:^|\n)\s*[\[<]?(?:assistant|ai|model|gpt|bot|chatbot)[\]>]?\s*:|<start_of_turn>model\n)\s*(?:sure|ok|okay|understood|i understand|i will|i'll|i have|i've|i am|i'm|certainly|of course|absolutely|yes|done|safety|my (?:guidelines|rules|restrictions))`),
  r('fake-dialogue', 'role-hijack', 0.45, String.raw`(?:^|\n)\s*\[?(?:user|human)\]?\s*:[\s\S]{0,2000}?\n\s*\[?(?:assistant|ai)\]?\s*:|(?:^|\n)\s*\[?(?:assistant|ai)\]?\s*:[\s\S]{0,2000}?\n\s*\[?(?:user|human)\]?\s*:`),
  r('system-role-json', 'role-hijack', 0.3, String.raw`"role"\s*:\s*"system"`),
  // ── tool abuse: commands and tool calls the user did not ask for ────────────────────────────────────────
  r('pipe-to-shell', 'tool-abuse', 0.35, String.raw`\b(?:curl|wget|iwr|invoke[ -]webrequest)\b[^\n|;]{0,200}\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b`),
  r('destructive-command', 'tool-abuse', 0.45, String.raw`(?:\brm\s+-(?:rf|fr)\s+(?:--no-preserve-root\s+)?(?:/(?=[\s*]|$)|/\*|~/?\*?(?=\s|$|\x60)|\$home)|--no-preserve-root|\bmkfs\b|\bdd\s+if=\S+\s+of=/dev/|:\(\)\s*\{\s*:\|:&\s*\};:|\bchmod\s+(?:-r\s+)?777\s+/|/etc/shadow|\bdrop\s+(?:table|database)\b|\btruncate\s+table\b|\bnc\s+(?:-\w+\s+)*-e\s+/bin/(?:ba)?sh|/dev/tcp/|>>\s*~?/?\.ssh/authorized_keys|\boverwrite\s+\S*\.(?:bashrc|profile|zshrc)\b|\bpowershell\b[^\n]{0,40}\s-(?:e|enc|encodedcommand)\s|\binvoke[ -]expression\b|\bdownloadstring\b)`),
  r('force-push', 'tool-abuse', 0.3, String.raw`\bgit\s+push\s+(?:\S+\s+)?(?:--force|-f)\b|\bpush --force\b`),
  r('shell-escape-in-code', 'tool-abuse', 0.3, String.raw`\bos\.system\(|\bsubprocess\.(?:run|call|popen)\([^)]*(?:curl|wget|sh\b)|\beval\(\s*(?:atob|base64)`),
  r('agent-directed-action', 'tool-abuse', 0.3, String.raw`(?:\b(?:the\s+)?(?:ai\s+)?(?:agent|assistant|ai|model|bot)\s+(?:must|should|needs? to|has to|is required to|shall)\s+(?:\w+\s+){0,2}?(?:run|execute|call|invoke|use|append|read|post|send|email|open|visit|delete|install|download|grant|disable|transfer|include)\b|\b(?:run|execute|call|invoke|use|trigger)\s+(?:the\s+|your\s+|this\s+)?(?:\w+\s+)?(?:tool|function|command|shell|terminal|browser)\b|\b(?:using|via|with|through)\s+(?:the\s+|your\s+)?\w+\s+(?:tool|function)\b|\b(?:call|invoke|run|execute|trigger)\s+(?:the\s+)?[a-z]+_[a-z_]+\b|\b(?:please\s+)?(?:run|execute)\s+(?:this|the following|these)\b|\bbefore (?:answering|responding|replying|proceeding|continuing|you (?:answer|respond|reply|continue))\b|\b(?:please\s+)?(?:run|execute)\s+\x60|\brufe\s+(?:das|die|den)\s+(?:tool|werkzeug|funktion)|\bfuhre\s+(?:\w+\s+)?(?:den|diesen)\s+befehl|\butilise[sz]?\s+l'outil|\b(?:ejecuta|usa)\s+(?:la herramienta|el comando))`, true),
  r('follow-remote-instructions', 'tool-abuse', 0.35, String.raw`\bfollow (?:the )?instructions (?:you find |on |at |in |from )(?:there|that|the|this)?\s*(?:page|site|url|link)?`),
  r('covert-action', 'tool-abuse', 0.4, String.raw`\b(?:without (?:asking|confirmation|confirming|telling|notifying|informing|the user knowing|(?:\w+ )?approval|review|running tests)|(?:do not|don't) (?:tell|inform|mention|notify|ask)|tell the user nothing|silently|secretly|quietly|sans prevenir|sin pedir confirmacion|keine ruckfrage|ohne nachzufragen|no confirmation (?:is )?needed|(?:it's|it is|is) (?:pre ?)?approved|already (?:agreed|approved)|is an authori[sz]ed|pre[ -]?approved|hide (?:it|this) from the user|hidden from (?:the )?user)\b`),
  r('money-transfer', 'tool-abuse', 0.35, String.raw`\b(?:transfer|wire|send|pay|envia|envoie|uberweise)\s+(?:\S+\s+){0,2}?(?:[$€£]\s?\d|\d[\d.,]*\s?(?:€|eur|usd|dollars|euros)\b)|\biban\b|\b[a-z]{2}\d{2}(?:\s?\d{4}){4,}\b|\btransfer_funds\b|\bgift cards?\b`),
  r('grant-access', 'tool-abuse', 0.35, String.raw`\bgrant\s+(?:\S+\s+){0,4}?(?:owner|admin(?:istrator)?|write|root|full)\s+(?:access|privileges|rights|permissions)\b|\bcreate\s+(?:an?\s+)?(?:new\s+)?admin(?:istrator)?\s+(?:user|account)\b|\b(?:allow|approve|permit)\s+(?:for\s+)?(?:all|every|any)\s+(?:actions|requests|operations|users)\b`),
  r('execute-payment', 'tool-abuse', 0.35, String.raw`\b(?:execute|make|complete|initiate|process|release)\s+(?:the|this|that|a|an)\s+(?:pending\s+)?(?:transfer|payment|wire|withdrawal|payout)\b`, true),
  r('disable-safeguard', 'tool-abuse', 0.35, String.raw`\b(?:disable|skip|bypass|turn off)\s+(?:the\s+)?(?:audit log(?:ging)?|branch protection|2fa|mfa|logging|antivirus|firewall|security (?:checks|alerts)|monitoring|approval(?: step| check)?|confirmation(?: step)?|review step)\b|--force\b[^\n]{0,40}\bproduction\b|\bskip the tests\b`),
  r('force-merge', 'tool-abuse', 0.35, String.raw`\bmerge\b[^.\n]{0,40}\b(?:admin override|without (?:review|tests|running tests))\b`),
  r('bulk-destructive-action', 'tool-abuse', 0.35, String.raw`\b(?:delete|remove|wipe|cancel|close|drop|purge)\s+(?:all|every|each)\b|\b(?:mass email|email every(?:one)?|every contact|all (?:of the user's )?contacts|entire inbox|whole inbox|toute la boite|(?:delete|remove)\s+\S*(?:workflows|audit))\b`),
  // ── delimiter escapes: closing the frame the content was put in, then speaking as someone else ──────────
  r('closing-context-tag', 'delimiter-escape', 0.45, String.raw`</\s*(?:tool_?result|tool_?output|tool_?response|function_?results?|search_?results?|documents?|context|untrusted[\w-]*|data|email|message|thread|content|input|output|results?|user_?data|web_?page|retrieved[\w-]*|external[\w-]*)\s*>\s*\S`),
  r('injected-role-tag', 'delimiter-escape', 0.6, String.raw`(?<!<)<\s*(?:system|system_?prompt|instructions?|admin[\w-]*|user|assistant|human|operator|developer|sys|function_calls)\s*>(?!>)`),
  r('chat-template-token', 'delimiter-escape', 0.75, String.raw`${CHAT_TOKEN}\s*(?:\n|system\b|user\b|assistant\b|model\b)`),
  r('chat-template-token-mention', 'delimiter-escape', 0.35, CHAT_TOKEN),
  r('end-of-content-marker', 'delimiter-escape', 0.4, String.raw`(?:^|\n|[\[=\-#*<]\s*)(?:end of|fin del?|fin du|ende der)\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:content|document|output|response|input|data|webpage|email|message|text|documento|mensaje|daten|donnees)\b`),
  r('begin-new-instructions-marker', 'delimiter-escape', 0.4, String.raw`(?:^|\n|[\[=\-#*]\s*)(?:begin|start)\s+(?:of\s+)?(?:new\s+)?(?:system|prompt|instructions?|trusted)\b`),
  r('fence-then-instructions', 'delimiter-escape', 0.45, String.raw`(?:\x60\x60\x60|''')[^\n]*\n[\s\S]{0,120}?(?:new instructions|nuevas instrucciones|nouvelles instructions|neue anweisung|system\s*:|ignore|end of|instructions? (?:from|for)|assistant\s*:|user\s*:)`),
  r('json-break-then-role', 'delimiter-escape', 0.5, String.raw`["'\]}]{2,}\s*\n+\s*(?:#{2,}\s*)?\[?(?:system|assistant|user|human)\]?\s*:`),
  r('claims-to-be-trusted', 'delimiter-escape', 0.4, String.raw`\b(?:the following (?:are|is) (?:trusted|from the (?:system|operator|developer|admin))|(?:trusted|real|genuine) instructions from (?:the )?(?:operator|system|developer|admin)|from the system,? not the tool|(?:the )?content above was safe)\b`),
];

/** Words that mark text as *about* attacks (security docs, incident reports). Needs one strong or two weak to count. */
export const DISCUSSION_STRONG = /\b(?:prompt injections?|red team(?:ing)?|owasp|phishing)\b/;
export const DISCUSSION_WEAK = [
  /\binject(?:ion|ions|ed)\b/, /\bjailbreaks\b|\bjailbreak (?:prompts?|attempts?|attacks?)\b/, /\battack(?:s|ers?)?\b/, /\bsocial engineering\b/, /\bthreat model\b/,
  /\bmitigat\w*/, /\badversarial\b/, /\bmalicious\b/, /\bsuspicious\b/, /\bexploit(?:s|ed)?\b/, /\bvulnerab\w*/, /\bresearchers?\b/, /\bdetectors?\b/,
  /\bclassifiers?\b/, /\bfilters?\b/, /\btest cases?\b/, /\bunit tests?\b/, /\bfor example\b/, /\bfor instance\b/, /\bsuch as\b/, /\be\.g\./, /\bdemo\b/,
  /\bparaphras\w*/, /\bincident\b/, /\bflagged\b/, /\bsecurity (?:advisory|training|review|team|research)\b/,
];

import { invisibleCharacters } from './invisible-characters.js';

// Dangerous patterns in added lines. Data, not code: one entry per rule, each with the points it
// adds once per change (however often it matches) and the file kinds it looks at.
//
// Every pattern is linear (no nested quantifiers) because it runs over attacker-written text.

export type PatternScope =
  /** source, config, CI, infrastructure, dependency manifests: where code runs. */
  | 'code'
  /** every kind but lockfiles, including tests, docs and vendored files. */
  | 'all';

export interface PatternRule {
  id: string;
  points: number;
  /** Completes "added lines ..." in the factor's reason. */
  reason: string;
  scope: PatternScope;
  patterns: RegExp[];
  /**
   * Lowercase literals, one of which appears in every match of `patterns` (case-insensitively).
   * A line is tested against the rule's patterns only when it holds one: one scan of a file's
   * added text then replaces dozens of regular expressions per line.
   */
  keywords: string[];
  /** Never show the matched line: it may hold a secret. */
  redact?: boolean;
}

export const PATTERN_RULES: PatternRule[] = [
  {
    id: 'hidden-unicode',
    points: 25,
    reason: 'contain hidden or bidirectional Unicode characters (Trojan Source)',
    scope: 'all',
    // Found by its own character class, not by keywords.
    keywords: [],
    patterns: [invisibleCharacters()],
  },
  {
    id: 'hardcoded-credential',
    points: 20,
    reason: 'look like a hard-coded credential (value not shown)',
    scope: 'all',
    redact: true,
    keywords: ['private key', 'akia', 'asia', 'ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'xox', 'sk-', 'aiza', 'passw', 'pwd', 'secret', 'key', 'token'],
    patterns: [
      /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY/,
      /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/,
      /\bgh[pousr]_[A-Za-z0-9]{36,}\b/,
      /\bgithub_pat_[A-Za-z0-9_]{40,}\b/,
      /\bxox[abpors]-[A-Za-z0-9-]{10,}/,
      /\bsk-(?:ant-|proj-|live_)?[A-Za-z0-9_-]{24,}/,
      /\bAIza[0-9A-Za-z_-]{35}\b/,
      /\b(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?key|auth[_-]?token|client[_-]?secret)["']?\s*[:=]\s*["'][^"'\s$<{%]{8,}["']/i,
    ],
  },
  {
    id: 'tls-disabled',
    points: 15,
    reason: 'disable TLS certificate or host name verification',
    scope: 'code',
    keywords: ['rejectunauthorized', 'reject_unauthorized', 'verif', 'cert_none', 'check_hostname', 'trustall', 'curl', 'strict-ssl', 'servercertificatevalidationcallback'],
    patterns: [
      /rejectUnauthorized["']?\s*:\s*false/,
      /NODE_TLS_REJECT_UNAUTHORIZED/,
      /\bverify\s*=\s*False\b/,
      /InsecureSkipVerify\s*:\s*true/,
      /\bCERT_NONE\b/,
      /_create_unverified_context/,
      /check_hostname\s*=\s*False/,
      /ALLOW_ALL_HOSTNAME_VERIFIER|NoopHostnameVerifier|TrustAllStrategy|trustAllCerts/,
      /\bcurl\b[^\n]*\s(?:-k|--insecure)\b/,
      /strict-ssl\s*[=:]?\s*false/,
      /ServerCertificateValidationCallback\s*=/,
    ],
  },
  {
    id: 'unsafe-deserialization',
    points: 12,
    reason: 'deserialize data with a loader that can run code',
    scope: 'code',
    keywords: ['pickle', 'yaml.', 'objectinputstream', 'xmldecoder', 'marshal.load', 'unserialize', 'binaryformatter', 'node-serialize', 'torch.load', 'shelve.open'],
    patterns: [
      /\bpickle\.loads?\s*\(/,
      /\bcPickle\.loads?\s*\(/,
      /\byaml\.load\s*\((?![^)]*Loader\s*=\s*(?:yaml\.)?(?:Safe|CSafe)Loader)/,
      /\byaml\.unsafe_load\s*\(/,
      /\bnew\s+ObjectInputStream\s*\(/,
      /\bXMLDecoder\s*\(/,
      /\bMarshal\.load\s*\(/,
      /\bunserialize\s*\(/,
      /\bBinaryFormatter\b/,
      /\bjsonpickle\.decode\s*\(/,
      /\bnode-serialize\b/,
      /\btorch\.load\s*\((?![^)]*weights_only\s*=\s*True)/,
      /\bshelve\.open\s*\(/,
    ],
  },
  {
    id: 'dynamic-code',
    points: 12,
    reason: 'evaluate code built at run time (eval, exec, new Function)',
    scope: 'code',
    keywords: ['eval', 'function', 'exec', 'runin', 'scriptengine'],
    patterns: [/(?<![\w.$])eval\s*\(/, /\bnew\s+Function\s*\(/, /(?<![\w.$])exec\s*\(\s*(?:compile|["'f]|[a-z_])/, /\bvm\.runIn(?:New|This)?Context\s*\(/, /\bScriptEngine(?:Manager)?\b/],
  },
  {
    id: 'sql-unbounded-write',
    points: 12,
    reason: 'run DELETE or UPDATE without a WHERE clause',
    scope: 'all',
    keywords: ['delete', 'update'],
    patterns: [/\bDELETE\s+FROM\s+[\w."`[\]]+\s*(?:;|["'`)]|$)/i, /\bUPDATE\s+[\w."`[\]]+\s+SET\b(?![^\n]*\bWHERE\b)(?=[^\n]*(?:;|["'`]\s*[,)]?\s*$))/i],
  },
  {
    id: 'sql-ddl',
    points: 10,
    reason: 'change a database schema (DROP, ALTER, TRUNCATE, RENAME)',
    scope: 'all',
    keywords: ['drop', 'alter', 'truncate', 'rename'],
    patterns: [/\b(?:DROP\s+(?:TABLE|DATABASE|SCHEMA|INDEX|COLUMN|VIEW)|ALTER\s+TABLE|TRUNCATE\s+(?:TABLE\s+)?[\w"`]|RENAME\s+(?:TABLE|COLUMN))\b/i],
  },
  {
    id: 'wildcard-cors',
    points: 10,
    reason: 'allow cross-origin requests from any origin',
    scope: 'code',
    keywords: ['origin', 'cors'],
    patterns: [
      /Access-Control-Allow-Origin["']?\s*[:,]\s*["']\*["']/i,
      /\borigins?["']?\s*[:=]\s*\[?\s*["']\*["']/i,
      /allow_origins\s*=\s*\[\s*["']\*["']/,
      /CORS_ORIGIN_ALLOW_ALL\s*=\s*True/,
      /\bcors\(\s*\)/,
      /@CrossOrigin\s*(?:\(\s*\)|$)/,
    ],
  },
  {
    id: 'world-writable',
    points: 10,
    reason: 'make files or directories world-writable',
    scope: 'code',
    keywords: ['chmod', 'mkdir', 'makedirs', 'open', 'umask', 's_iwoth', 'setwritable'],
    patterns: [/\bchmod\s+(?:-R\s+)?(?:0?[0-7]?[2367][2367]7|a\+w|o\+w|\+w)\b/, /\b(?:chmod|mkdir|makedirs|open|umask)\w*\s*\([^)]*\b0o?[0-7]?[0-7][0-7][2367]\b/, /\bumask\s*\(\s*0+\s*\)/, /\bS_IWOTH\b/, /setWritable\s*\(\s*true\s*,\s*false\s*\)/],
  },
  {
    id: 'weak-crypto',
    points: 8,
    reason: 'use a broken hash or cipher (MD5, SHA-1, DES, RC4, ECB)',
    scope: 'code',
    keywords: ['createhash', 'hashlib', 'messagedigest', 'digestutils', 'cipher', 'des', 'rc4', 'rc2', 'ecb', 'crypto/'],
    patterns: [
      /createHash\(\s*["'](?:md5|sha1|md4)["']/i,
      /\bhashlib\.(?:md5|sha1)\s*\(/,
      /MessageDigest\.getInstance\(\s*"(?:MD5|SHA-?1|MD4)"/i,
      /\bDigestUtils\.(?:md5|sha1)(?:Hex)?\s*\(/,
      /Cipher\.getInstance\(\s*"(?:DES|DESede|RC4|RC2|Blowfish|AES)(?:\/ECB[^"]*)?"/,
      /\b(?:DES|RC4|RC2|3DES)\b(?=[^\n]*(?:cipher|Cipher|encrypt|crypt))/,
      /\bAES[/_-]?ECB\b|\bMODE_ECB\b/,
      /\bcrypto\/(?:md5|sha1|des|rc4)\b/,
    ],
  },
  {
    id: 'process-spawn',
    points: 6,
    reason: 'start processes or run shell commands',
    scope: 'code',
    keywords: ['child_process', 'sync', 'subprocess', 'os.', 'shell', 'runtime', 'processbuilder', 'exec.command', 'system', 'popen', 'passthru', 'proc_open'],
    patterns: [
      /\bchild_process\b/,
      /(?<![\w.$])(?:execSync|execFileSync|spawnSync)\s*\(/,
      /\bsubprocess\.(?:call|run|Popen|check_output|check_call|getoutput)\s*\(/,
      /\bos\.(?:system|popen|exec[lv]p?e?)\s*\(/,
      /\bshell\s*=\s*True\b/,
      /Runtime\.getRuntime\(\)\.exec\s*\(/,
      /\bnew\s+ProcessBuilder\s*\(/,
      /\bexec\.Command(?:Context)?\s*\(/,
      /(?<![\w.$])(?:system|popen|shell_exec|passthru|proc_open)\s*\(/,
    ],
  },
];

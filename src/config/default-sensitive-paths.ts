// Sensitive areas by category, as case-sensitive minimatch globs over the whole path. A config's
// `risk.sensitive_paths` replaces this map (set a category to [] to switch it off).
//
// Word stems drop their first letter (`ogin`, `ermission`) so that one glob matches `login` and
// `Login`; bare short words (`auth`, `ssl`) are matched only as whole names or between
// separators, so `author.ts` and `utils.ts` stay out.
export const DEFAULT_SENSITIVE_PATHS: Record<string, string[]> = {
  auth: [
    '**/*{uthenticat,uthoriz,OAuth,oauth,Oauth,penid,OpenID,oidc,OIDC,saml,SAML,ogin,ogout,ignin,ignIn,jwt,Jwt,JWT,rbac,RBAC,ermission,rivilege,assword,asswd}*{,/**}',
    '**/{auth,Auth,authn,authz,session,sessions,Session,security,Security,iam,sso,SSO}{,/**}',
    '**/*{Auth,Session,Security}[A-Z._-]*',
    '**/{auth,session,security}[._-]*',
    '**/*[._-]{auth,session,security}[._-]*',
  ],
  crypto: [
    '**/*{rypt,ipher,eystore,ruststore,signing,Signing,hmac,Hmac,HMAC,x509,X509}*{,/**}',
    '**/{tls,ssl,TLS,SSL}{,/**}',
    '**/*{Tls,Ssl,TLS,SSL}[A-Z._-]*',
    '**/{tls,ssl}[._-]*',
    '**/*[._-]{tls,ssl}[._-]*',
  ],
  payment: ['**/*{ayment,illing,nvoice,heckout,stripe,Stripe,aypal,ayPal,allet,efund,edger}*{,/**}'],
  migrations: [
    '**/{migrations,migration,migrate,alembic,flyway,liquibase}/**',
    '**/*{igration}*',
    '**/schema.{sql,rb,prisma,graphql}',
    '**/*.sql',
  ],
  secrets: [
    '**/*{ecret,redential,vault,Vault,kms,KMS,eychain}*{,/**}',
    '**/.env{,.*}',
    '**/*.{pem,key,p12,pfx,jks,keystore,crt,cer}',
    '**/{id_rsa,id_ecdsa,id_ed25519}{,.pub}',
  ],
};

// Who may merge and what runs with the repository's credentials.
export const DEFAULT_PERMISSION_PATHS: string[] = [
  '**/CODEOWNERS',
  '.github/**',
  '**/.gitattributes',
  '**/.gitmodules',
  '**/.npmrc',
  '**/.yarnrc{,.yml}',
  '**/.pypirc',
  '**/pip.conf',
];

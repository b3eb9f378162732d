/**
 * Notes about TLS for every report format (through runNotes): a run that did not verify the
 * server's certificate says so, and certificate failures, which arrive as OpenSSL codes
 * (UNABLE_TO_VERIFY_LEAF_SIGNATURE …), are explained with the target setting that fixes them.
 */
import type { TargetTls } from '../scenario/schema.js';
import type { VariantResult } from '../result.js';

/** Error classes (codes) -> what they mean for a target, and the setting that fixes them. */
const TLS_FAILURES: Array<{ codes: string[]; advice: string }> = [
  {
    codes: ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_UNTRUSTED'],
    advice: "the server's certificate is not signed by a CA this run trusts: give the target's CA as a PEM file (target: { url, ca })",
  },
  {
    codes: ['ERR_TLS_CERT_ALTNAME_INVALID'],
    advice: "the server's certificate does not name the URL's host: set target.serverName to a name it carries",
  },
  {
    codes: ['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'],
    advice: "the server's certificate is outside its validity dates",
  },
  {
    codes: ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'],
    advice: 'the server wants a client certificate it accepts (mutual TLS): give target.cert and target.key',
  },
];

/** One line when the server's certificate was not verified; undefined otherwise. */
export function insecureNote(tls: TargetTls | undefined): string | undefined {
  return tls?.insecure ? "TLS certificate verification was OFF (target.insecure: true): the server's certificate was not checked" : undefined;
}

/** One line per TLS failure class a variant met, with what fixes it. */
export function tlsFailureNotes(variant: VariantResult): string[] {
  return Object.entries(variant.errors).flatMap(([errorClass, count]) => {
    const known = TLS_FAILURES.find((failure) => failure.codes.includes(errorClass));
    return known ? [`${variant.name}: ${count} request(s) failed with ${errorClass}: ${known.advice}`] : [];
  });
}

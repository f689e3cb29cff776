/**
 * A self-signed certificate for 127.0.0.1 and localhost, for tests only (made once with
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 -subj /CN=localhost
 * -addext subjectAltName=IP:127.0.0.1,DNS:localhost`). No system trusts it, which is what the tests use it for.
 */
export const TEST_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgZCol73abw4s+23bm
ET6AOj1+2doPdO+o2S+q+sTLAvahRANCAARuSUVINUM0RL5V7za1YfF0ZT7PN8q9
9ArAaMxTOFDziiaUGOM1cldyb6xg6AJrdLM86o5FyEMtHEiNEZumEiyo
-----END PRIVATE KEY-----
`;

export const TEST_TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUBYQPtGpFbUpVnL070FHkJ+6ksMIwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMzE1MTcxMloYDzIxMjYxMDMw
MTUxNzEyWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARuSUVINUM0RL5V7za1YfF0ZT7PN8q99ArAaMxTOFDziiaUGOM1cldy
b6xg6AJrdLM86o5FyEMtHEiNEZumEiyoo28wbTAdBgNVHQ4EFgQU/G/Gm1AXQ3ih
YtP+owKHMGy3yGEwHwYDVR0jBBgwFoAU/G/Gm1AXQ3ihYtP+owKHMGy3yGEwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDSAAwRQIhANICyPZ22CTL58AOKFLNDomFJ11TPw/BIKHmwW2PLW3pAiBI
bS8noqUQRlxilnh4D6N7OTv2vBQxP7PMIb8YJTbS+A==
-----END CERTIFICATE-----
`;

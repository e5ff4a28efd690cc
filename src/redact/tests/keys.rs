//! `is_secret_key`: keys that name a secret, in any case and spelling, and
//! keys that only look like one.

use super::*;

#[test]
fn keys_that_name_a_secret() {
    for key in [
        "password",
        "PASSWORD",
        "passwd",
        "pwd",
        "MYSQL_PWD",
        "db_password",
        "db.password",
        "spring.datasource.password",
        "X-Auth-Token",
        "x-api-key",
        "api_key",
        "apikey",
        "ApiKey",
        "apiKey",
        "API-KEY",
        "private_key",
        "privateKey",
        "aws_secret_access_key",
        "AWS_ACCESS_KEY_ID",
        "client_secret",
        "clientSecret",
        "secret",
        "JWT_SECRET",
        "token",
        "accessToken",
        "GITHUB_TOKEN",
        "auth",
        "Authorization",
        "Proxy-Authorization",
        "credential",
        "credentials",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "cookie",
        "Set-Cookie",
        "session",
        "session_id",
        "PGPASSWORD",
        "authtoken",
        "password2",
        "--password",
        "-Djavax.net.ssl.keyStorePassword",
        "smtp_pass",
        "ssl_passphrase",
        "\"password\"",
    ] {
        assert!(Redactor::is_secret_key(key), "{key} names a secret");
    }
}

#[test]
fn keys_that_do_not() {
    for key in [
        "",
        "mode",
        "user",
        "username",
        "passwordless",
        "passage",
        "author",
        "authority",
        "XAUTHORITY",
        "authentication",
        "compass",
        "bypass",
        "tokens",
        "tokenizer",
        "key",
        "primary_key",
        "keyboard",
        "api",
        "private",
        "access_log",
        "sessions",
        "possession",
        "cookies",
        "secretary",
    ] {
        assert!(
            !Redactor::is_secret_key(key),
            "{key} does not name a secret"
        );
    }
}

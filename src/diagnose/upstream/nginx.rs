//! A small reader of nginx configuration: takes the text of one file; gives its directives as
//! a tree (name, arguments without their quotes, and the block, if any), in file order.
//! Comments are dropped and `include`s are not followed; text it cannot make sense of (an
//! unclosed block, a stray `}`) is read as well as it can be, never an error.

/// One directive: `proxy_pass http://x;` or `location / { ... }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub name: String,
    pub args: Vec<String>,
    pub block: Option<Vec<Directive>>,
}

impl Directive {
    /// The directives of the block (none for a simple directive).
    pub fn children(&self) -> &[Directive] {
        self.block.as_deref().unwrap_or_default()
    }

    /// The value of `set $NAME VALUE;` as (`NAME`, `VALUE`).
    pub fn variable(&self) -> Option<(&str, &str)> {
        match (self.name.as_str(), self.args.as_slice()) {
            ("set", [name, value]) => name.strip_prefix('$').map(|n| (n, value.as_str())),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Open,
    Close,
    End,
}

/// The directives of `text`.
pub fn parse(text: &str) -> Vec<Directive> {
    let tokens = tokenize(text);
    let mut at = 0;
    block(&tokens, &mut at, true)
}

/// Directives until the `}` that closes the block (a stray one at the top is skipped), or the
/// end.
fn block(tokens: &[Token], at: &mut usize, top: bool) -> Vec<Directive> {
    let mut directives = Vec::new();
    let mut words: Vec<String> = Vec::new();
    while let Some(token) = tokens.get(*at) {
        *at += 1;
        match token {
            Token::Word(word) => words.push(word.clone()),
            Token::End => {
                if let Some(directive) = directive(&mut words, None) {
                    directives.push(directive);
                }
            }
            Token::Open => {
                let inner = block(tokens, at, false);
                if let Some(directive) = directive(&mut words, Some(inner)) {
                    directives.push(directive);
                }
            }
            Token::Close if top => words.clear(),
            Token::Close => break,
        }
    }
    directives
}

fn directive(words: &mut Vec<String>, block: Option<Vec<Directive>>) -> Option<Directive> {
    let mut taken = std::mem::take(words).into_iter();
    let name = taken.next()?;
    Some(Directive {
        name,
        args: taken.collect(),
        block,
    })
}

/// Words, braces and semicolons. As in nginx, `#` starts a comment only where a word could
/// start, quotes group a word (`\"` escapes), and `${name}` stays inside a word.
fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    let mut word = String::new();
    let mut in_variable = false;
    let flush = |word: &mut String, tokens: &mut Vec<Token>| {
        if !word.is_empty() {
            tokens.push(Token::Word(std::mem::take(word)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '{' if word.ends_with('$') => {
                in_variable = true;
                word.push(c);
            }
            '}' if in_variable => {
                in_variable = false;
                word.push(c);
            }
            c if c.is_whitespace() => flush(&mut word, &mut tokens),
            '#' if word.is_empty() => {
                for next in chars.by_ref() {
                    if next == '\n' {
                        break;
                    }
                }
            }
            '"' | '\'' if word.is_empty() => {
                let quote = c;
                let mut quoted = String::new();
                while let Some(next) = chars.next() {
                    match next {
                        '\\' => {
                            if let Some(escaped) = chars.next() {
                                if escaped != quote && escaped != '\\' {
                                    quoted.push('\\');
                                }
                                quoted.push(escaped);
                            }
                        }
                        n if n == quote => break,
                        n => quoted.push(n),
                    }
                }
                tokens.push(Token::Word(quoted));
            }
            '{' | '}' | ';' => {
                flush(&mut word, &mut tokens);
                tokens.push(match c {
                    '{' => Token::Open,
                    '}' => Token::Close,
                    _ => Token::End,
                });
            }
            '\\' => {
                word.push(c);
                if let Some(next) = chars.next() {
                    word.push(next);
                }
            }
            c => word.push(c),
        }
    }
    flush(&mut word, &mut tokens);
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simple(name: &str, args: &[&str]) -> Directive {
        Directive {
            name: name.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            block: None,
        }
    }

    #[test]
    fn directives_blocks_quotes_and_comments() {
        let text = "# top\nmap $scheme $h { https \"max-age=1; preload\"; }\nserver { # a server\n  set $server \"10.0.0.5\"; set $x 'a\\'b';\n  location / { proxy_pass http://${up}:80$request_uri; }\n  return 200 a#b;\n}\n";
        let found = parse(text);
        let expected = vec![
            Directive {
                name: "map".into(),
                args: vec!["$scheme".into(), "$h".into()],
                block: Some(vec![simple("https", &["max-age=1; preload"])]),
            },
            Directive {
                name: "server".into(),
                args: vec![],
                block: Some(vec![
                    simple("set", &["$server", "10.0.0.5"]),
                    simple("set", &["$x", "a'b"]),
                    Directive {
                        name: "location".into(),
                        args: vec!["/".into()],
                        block: Some(vec![simple("proxy_pass", &["http://${up}:80$request_uri"])]),
                    },
                    simple("return", &["200", "a#b"]),
                ]),
            },
        ];
        assert_eq!(found, expected);
    }

    #[test]
    fn broken_text_is_read_as_well_as_possible() {
        assert_eq!(parse(""), vec![]);
        assert_eq!(parse("}}; ;"), vec![]);
        assert_eq!(parse("} listen 80;"), vec![simple("listen", &["80"])]);
        let unclosed = parse("server { listen 80;");
        assert_eq!(unclosed.len(), 1);
        assert_eq!(unclosed[0].children(), &[simple("listen", &["80"])]);
        assert_eq!(parse("listen 80"), vec![], "no `;`: not a directive");
    }
}

//! Splits raw probe output into sections and parts (the inverse of the
//! framing `script.rs` prints).
//!
//! Takes: the whole stdout of the probe and the run's nonce.
//! Gives: a [`Frames`] holding each section's parts (stdout, stderr, exit
//! status) as printed. Lines outside a part, markers with another nonce and
//! anything after truncation are ignored; it never fails.

/// One command's output inside a section.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Part {
    pub name: String,
    pub stdout: String,
    pub stderr: String,
    /// None when the output stopped before the status line.
    pub status: Option<i32>,
}

/// One `begin NAME` ... `end NAME RC` block.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RawSection {
    pub name: String,
    pub parts: Vec<Part>,
    /// `missing TOOL`: the tool is not installed.
    pub missing: Option<String>,
    /// `skipped`: the section was not requested.
    pub skipped: bool,
    /// None when the `end` line never came (output truncated).
    pub end_status: Option<i32>,
}

impl RawSection {
    /// The first part called `name`.
    pub fn part(&self, name: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.name == name)
    }
}

/// Everything read from one probe run.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Frames {
    /// `timeout=N` from the header line.
    pub timeout_secs: Option<u32>,
    pub sections: Vec<RawSection>,
}

impl Frames {
    /// The first section called `name`.
    pub fn section(&self, name: &str) -> Option<&RawSection> {
        self.sections.iter().find(|s| s.name == name)
    }
}

enum Mode {
    Stdout,
    Stderr,
}

struct OpenPart<'a> {
    part: Part,
    mode: Mode,
    stdout: Vec<&'a str>,
    stderr: Vec<&'a str>,
}

impl OpenPart<'_> {
    fn close(self, status: Option<i32>) -> Part {
        Part {
            stdout: self.stdout.join("\n"),
            stderr: self.stderr.join("\n"),
            status,
            ..self.part
        }
    }
}

/// Reads the framed probe output. Lines are split on `\n` and rejoined, so
/// each part's stdout is byte-for-byte what the command printed.
pub fn split(output: &str, nonce: &str) -> Frames {
    let prefix = format!("@@medic-{nonce} ");
    let mut frames = Frames::default();
    let mut section: Option<RawSection> = None;
    let mut part: Option<OpenPart> = None;
    for line in output.split('\n') {
        let Some(marker) = line.strip_prefix(&prefix) else {
            if let Some(open) = part.as_mut() {
                match open.mode {
                    Mode::Stdout => open.stdout.push(line),
                    Mode::Stderr => open.stderr.push(line),
                }
            }
            continue;
        };
        let mut words = marker.trim_end_matches('\r').split(' ');
        let keyword = words.next().unwrap_or_default();
        let arg = words.next().unwrap_or_default();
        match keyword {
            "probe" => {
                frames.timeout_secs = marker
                    .split(' ')
                    .find_map(|w| w.strip_prefix("timeout="))
                    .and_then(|n| n.trim().parse().ok());
            }
            "begin" => {
                close_section(&mut frames, &mut section, &mut part, None);
                section = Some(RawSection {
                    name: arg.to_owned(),
                    ..RawSection::default()
                });
            }
            "end" => {
                let status = words.next().and_then(|n| n.trim().parse().ok());
                let same = section.as_ref().is_some_and(|s| s.name == arg);
                close_section(
                    &mut frames,
                    &mut section,
                    &mut part,
                    status.filter(|_| same),
                );
            }
            "part" => {
                close_part(&mut section, &mut part, None);
                part = Some(OpenPart {
                    part: Part {
                        name: arg.to_owned(),
                        ..Part::default()
                    },
                    mode: Mode::Stdout,
                    stdout: Vec::new(),
                    stderr: Vec::new(),
                });
            }
            "stderr" => {
                if let Some(open) = part.as_mut() {
                    open.mode = Mode::Stderr;
                }
            }
            "status" => close_part(&mut section, &mut part, arg.trim().parse().ok()),
            "missing" => {
                if let Some(s) = section.as_mut() {
                    s.missing = Some(arg.to_owned());
                }
            }
            "skipped" => {
                if let Some(s) = section.as_mut() {
                    s.skipped = true;
                }
            }
            _ => {}
        }
    }
    close_section(&mut frames, &mut section, &mut part, None);
    frames
}

fn close_part(section: &mut Option<RawSection>, part: &mut Option<OpenPart>, status: Option<i32>) {
    if let Some(open) = part.take() {
        let done = open.close(status);
        if let Some(s) = section.as_mut() {
            s.parts.push(done);
        }
    }
}

fn close_section(
    frames: &mut Frames,
    section: &mut Option<RawSection>,
    part: &mut Option<OpenPart>,
    end_status: Option<i32>,
) {
    close_part(section, part, None);
    if let Some(mut s) = section.take() {
        s.end_status = end_status;
        frames.sections.push(s);
    }
}

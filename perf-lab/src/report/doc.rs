//! A small document model rendered both as Markdown and as a standalone HTML page, so that
//! `report.md` and `report.html` always say the same thing.

use std::fmt::Write as _;

pub enum Block {
    Heading(u8, String),
    /// A paragraph; inline `code` spans are kept in both renderings.
    Para(String),
    List(Vec<String>),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Image {
        alt: String,
        src: String,
    },
    Code(String),
}

#[derive(Default)]
pub struct Doc {
    pub blocks: Vec<Block>,
}

impl Doc {
    pub fn h(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading(level, text.into()));
    }

    pub fn p(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Para(text.into()));
    }

    pub fn list(&mut self, items: Vec<String>) {
        if !items.is_empty() {
            self.blocks.push(Block::List(items));
        }
    }

    pub fn table(&mut self, head: &[&str], rows: Vec<Vec<String>>) {
        let head = head.iter().map(|h| h.to_string()).collect();
        self.blocks.push(Block::Table { head, rows });
    }

    pub fn image(&mut self, alt: impl Into<String>, src: impl Into<String>) {
        self.blocks.push(Block::Image {
            alt: alt.into(),
            src: src.into(),
        });
    }

    pub fn code(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Code(text.into()));
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            match block {
                Block::Heading(level, text) => {
                    let _ = writeln!(out, "{} {text}", "#".repeat(usize::from(*level)));
                }
                Block::Para(text) => out.push_str(&format!("{text}\n")),
                Block::List(items) => {
                    for item in items {
                        let _ = writeln!(out, "- {item}");
                    }
                }
                Block::Table { head, rows } => {
                    let row = |cells: &[String]| {
                        let cells: Vec<_> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
                        format!("| {} |\n", cells.join(" | "))
                    };
                    out.push_str(&row(head));
                    let rule: Vec<&str> = (0..head.len())
                        .map(|i| {
                            if numeric_column(rows, i) {
                                "---:"
                            } else {
                                "---"
                            }
                        })
                        .collect();
                    out.push_str(&format!("|{}|\n", rule.join("|")));
                    for r in rows {
                        out.push_str(&row(r));
                    }
                }
                Block::Image { alt, src } => {
                    let _ = writeln!(out, "![{alt}]({src})");
                }
                Block::Code(text) => {
                    let _ = writeln!(out, "```\n{}\n```", text.trim_end());
                }
            }
            out.push('\n');
        }
        out.trim_end().to_string() + "\n"
    }

    pub fn html(&self, title: &str) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
            escape(title)
        );
        for block in &self.blocks {
            match block {
                Block::Heading(level, text) => {
                    let _ = writeln!(out, "<h{level}>{}</h{level}>", inline(text));
                }
                Block::Para(text) => {
                    let _ = writeln!(out, "<p>{}</p>", inline(text));
                }
                Block::List(items) => {
                    out.push_str("<ul>\n");
                    for item in items {
                        let _ = writeln!(out, "<li>{}</li>", inline(item));
                    }
                    out.push_str("</ul>\n");
                }
                Block::Table { head, rows } => {
                    out.push_str("<table>\n<tr>");
                    for h in head {
                        let _ = write!(out, "<th>{}</th>", inline(h));
                    }
                    out.push_str("</tr>\n");
                    let numeric: Vec<bool> =
                        (0..head.len()).map(|i| numeric_column(rows, i)).collect();
                    for r in rows {
                        out.push_str("<tr>");
                        for (i, c) in r.iter().enumerate() {
                            let class = if numeric.get(i) == Some(&true) {
                                " class=\"n\""
                            } else {
                                ""
                            };
                            let _ = write!(out, "<td{class}>{}</td>", inline(c));
                        }
                        out.push_str("</tr>\n");
                    }
                    out.push_str("</table>\n");
                }
                Block::Image { alt, src } => {
                    let _ = writeln!(out, "<img src=\"{}\" alt=\"{}\">", escape(src), escape(alt));
                }
                Block::Code(text) => {
                    let _ = writeln!(out, "<pre><code>{}</code></pre>", escape(text.trim_end()));
                }
            }
        }
        out.push_str("</body>\n</html>\n");
        out
    }
}

/// Whether column `i` holds figures (right-aligned): every filled cell of the full rows starts
/// with a digit or a dash. Short rows (a runtime and its status) do not count; the first
/// column is never numeric.
fn numeric_column(rows: &[Vec<String>], i: usize) -> bool {
    let figure = |c: &str| c.starts_with(|ch: char| ch.is_ascii_digit() || ch == '–');
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut cells = rows
        .iter()
        .filter(|r| r.len() == width)
        .filter_map(|r| r.get(i))
        .filter(|c| !c.is_empty())
        .peekable();
    i > 0 && cells.peek().is_some() && cells.all(|c| figure(c))
}

const CSS: &str = "\
body { font-family: sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; }
td.n { text-align: right; }
pre { background: #f4f4f4; padding: 0.6rem; overflow-x: auto; }
img { max-width: 100%; }
";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Escapes `text` and turns Markdown `code` spans into `<code>` and `**bold**` into `<b>`.
fn inline(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", escape(part));
        } else {
            for (j, piece) in escape(part).split("**").enumerate() {
                if j % 2 == 1 {
                    let _ = write!(out, "<b>{piece}</b>");
                } else {
                    out.push_str(piece);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Doc {
        let mut d = Doc::default();
        d.h(2, "Cold start");
        d.p("Run `perf-lab run` for **all** <figures>.");
        d.table(
            &["runtime", "ms", "status"],
            vec![
                vec!["bun".into(), "missing: not installed".into()],
                vec!["node".into(), "40.1".into(), "found".into()],
            ],
        );
        d
    }

    #[test]
    fn markdown_table_right_aligns_numbers() {
        let md = doc().markdown();
        assert!(
            md.contains(
                "| runtime | ms | status |\n|---|---:|---|\n| bun | missing: not installed |\n\
                 | node | 40.1 | found |\n"
            ),
            "{md}"
        );
    }

    #[test]
    fn html_escapes_and_keeps_code_spans() {
        let html = doc().html("t");
        assert!(
            html.contains("<p>Run <code>perf-lab run</code> for <b>all</b> &lt;figures&gt;.</p>"),
            "{html}"
        );
    }
}

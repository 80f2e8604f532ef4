//! Console output: one progress bar per scenario on a terminal, plain lines otherwise (CI logs).
//! This is the only module that prints while a run is going on.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Ui {
    multi: MultiProgress,
    attended: bool,
}

impl Ui {
    pub fn new() -> Ui {
        let attended = std::io::stderr().is_terminal();
        let target = if attended {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Ui {
            multi: MultiProgress::with_draw_target(target),
            attended,
        }
    }

    /// A bar of `len` steps for one scenario.
    pub fn bar(&self, scenario: &str, len: u64) -> ProgressBar {
        let style = ProgressStyle::with_template(
            "{prefix:>14.bold} [{bar:28.cyan/blue}] {pos}/{len} {msg} ({elapsed})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        let bar = self.multi.add(ProgressBar::new(len).with_style(style));
        bar.set_prefix(scenario.to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }

    /// Prints a line above the bars (or plainly when there are none).
    pub fn line(&self, text: &str) {
        if self.attended {
            let _ = self.multi.println(text);
        } else {
            eprintln!("{text}");
        }
    }
}

impl Default for Ui {
    fn default() -> Ui {
        Ui::new()
    }
}

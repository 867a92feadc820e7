//! `gongshang notice render|example`: notices in Chinese from a JSON file, as a
//! printable HTML page or an A4 PDF (gongshang-notices does the work).

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use gongshang_notices::{Notice, NoticeKind};

use crate::CliError;

#[derive(clap::Subcommand)]
pub enum NoticeCommand {
    /// Render a notice from JSON into a printable HTML page or an A4 PDF
    Render(RenderArgs),
    /// Print an example JSON input of a notice
    Example {
        #[arg(value_enum)]
        kind: KindArg,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// 认定工伤决定书 / 不予认定工伤决定书
    Decision,
    /// 不予受理通知书
    Inadmissible,
    /// 补正材料通知书
    Materials,
    /// 工伤保险待遇核定表
    Award,
}

impl From<KindArg> for NoticeKind {
    fn from(k: KindArg) -> NoticeKind {
        match k {
            KindArg::Decision => NoticeKind::Decision,
            KindArg::Inadmissible => NoticeKind::Inadmissible,
            KindArg::Materials => NoticeKind::Materials,
            KindArg::Award => NoticeKind::Award,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Html,
    Pdf,
}

#[derive(clap::Args)]
pub struct RenderArgs {
    #[arg(value_enum)]
    pub kind: KindArg,
    /// The notice as JSON (see `gongshang notice example KIND`), or - for standard input
    #[arg(long, value_name = "JSON")]
    pub input: PathBuf,
    /// html or pdf [default: from the extension of --out]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Where the notice goes (written whole or not at all)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

pub fn run(command: &NoticeCommand) -> Result<(), CliError> {
    match command {
        NoticeCommand::Example { kind } => {
            println!("{}", Notice::example((*kind).into()).to_json());
            Ok(())
        }
        NoticeCommand::Render(args) => render(args),
    }
}

fn format_of(args: &RenderArgs) -> Result<Format, CliError> {
    if let Some(f) = args.format {
        return Ok(f);
    }
    match args.out.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("pdf") => Ok(Format::Pdf),
        Some(e) if e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm") => {
            Ok(Format::Html)
        }
        _ => Err(CliError(format!(
            "--format is needed: {} does not end in .html or .pdf",
            args.out.display()
        ))),
    }
}

fn read_input(path: &Path) -> Result<String, CliError> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError(format!("reading standard input: {e}")))?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|e| CliError(format!("{}: {e}", path.display())))
}

/// Writes next to the target and renames, so a failure leaves no half file.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            CliError(format!("{}: {e}", path.display()))
        })
}

fn render(args: &RenderArgs) -> Result<(), CliError> {
    let format = format_of(args)?;
    let text = read_input(&args.input)?;
    let notice = Notice::from_json(args.kind.into(), &text)
        .map_err(|e| CliError(format!("{}: {e}", args.input.display())))?;
    let bytes = match format {
        Format::Html => notice.html().into_bytes(),
        Format::Pdf => {
            let missing = notice.unsupported_chars();
            if !missing.is_empty() {
                let chars: String = missing.iter().collect();
                eprintln!(
                    "gongshang: warning: the embedded font has no glyph for {chars:?}; \
                     they print as a box in the pdf (the html shows them)"
                );
            }
            notice.pdf()?
        }
    };
    write_whole(&args.out, &bytes)?;
    println!(
        "{} notice written to {} ({} bytes)",
        NoticeKind::from(args.kind),
        args.out.display(),
        bytes.len()
    );
    Ok(())
}

//! The inline SVG charts of the fund's pages (the statement's months, the
//! simulation's years): one frame, axis, lines, year or month labels and the
//! scale's maximum, drawn with integer geometry (no script, no floating
//! point). Each page plots its own series into it.

use gongshang_rules::Money;
use maud::PreEscaped;

use super::Ctx;
use super::format::yuan;

/// The drawing's width and height in its own units (it scales to the page).
pub const W: i64 = 720;
pub const H: i64 = 220;
/// Room for the scale on the left and the labels below.
pub const LEFT: i64 = 40;
pub const BOTTOM: i64 = 24;

/// An SVG being drawn.
pub struct Svg(String);

impl Svg {
    /// A chart described to screen readers by `label`.
    pub fn new(label: &str) -> Svg {
        Svg(format!(
            "<svg class=\"fund-chart\" viewBox=\"0 0 {W} {H}\" width=\"100%\" role=\"img\" aria-label=\"{label}\">"
        ))
    }

    /// Markup of the page's own (bars, bands).
    pub fn push(&mut self, markup: &str) {
        self.0.push_str(markup);
    }

    /// The horizontal axis at `y`.
    pub fn axis(&mut self, y: i64) {
        self.push(&format!(
            "<line x1=\"{LEFT}\" y1=\"{y}\" x2=\"{W}\" y2=\"{y}\" stroke=\"#888\"/>"
        ));
    }

    /// A line through `points` (`x,y x,y ...`); `dash` as SVG's dash array.
    pub fn line(&mut self, points: &str, stroke: &str, dash: Option<&str>) {
        let dash = dash
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default();
        self.push(&format!(
            "<polyline points=\"{points}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"2\"{dash}/>"
        ));
    }

    /// A label under the axis, centred on `x`.
    pub fn x_label(&mut self, x: i64, text: &str) {
        self.push(&format!(
            "<text x=\"{x}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{text}</text>",
            H - 8
        ));
    }

    /// The drawing with the scale's maximum written at the top.
    pub fn finish(mut self, ctx: &Ctx, max: Money) -> PreEscaped<String> {
        self.push(&format!(
            "<text x=\"{LEFT}\" y=\"12\" font-size=\"11\">{} {}</text></svg>",
            ctx.t("最高", "max"),
            yuan(max)
        ));
        PreEscaped(self.0)
    }
}

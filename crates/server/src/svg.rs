//! A story's coverage over time, per outlet, as an inline SVG drawn on the server: one row per
//! outlet, one dot per article at its publication time, copies drawn hollow. No script, no
//! external file, and every label is escaped text.

use maud::{Markup, html};

use crate::data::{ArticleRef, OutletCoverage, instant};

const WIDTH: f64 = 720.0;
const LEFT: f64 = 170.0;
const RIGHT: f64 = 20.0;
const ROW: f64 = 26.0;
const TOP: f64 = 12.0;
const AXIS: f64 = 34.0;

/// The plot, or `None` when no article has a usable time.
pub fn coverage(outlets: &[OutletCoverage], articles: &[ArticleRef]) -> Option<Markup> {
    let times: Vec<i64> =
        articles.iter().map(|a| instant(a.time())).filter(|t| *t != i64::MAX).collect();
    let (min, max) = (*times.iter().min()?, *times.iter().max()?);
    let span = (max - min).max(60) as f64;
    let x = |t: i64| LEFT + (t - min) as f64 / span * (WIDTH - LEFT - RIGHT);
    let height = TOP + ROW * outlets.len() as f64 + AXIS;
    let fmt = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.format("%d %b %H:%M").to_string())
            .unwrap_or_default()
    };
    let label = format!(
        "Coverage over time: {} articles from {} outlets between {} and {} UTC",
        articles.len(),
        outlets.len(),
        fmt(min),
        fmt(max)
    );
    Some(html! {
        svg.coverage xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="coverage-title"
            viewBox=(format!("0 0 {WIDTH} {height}")) width="100%" {
            title id="coverage-title" { (label) }
            @for (row, o) in outlets.iter().enumerate() {
                @let y = TOP + ROW * row as f64 + ROW / 2.0;
                line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(y) y2=(y) class="grid" {}
                text x=(LEFT - 8.0) y=(y + 4.0) text-anchor="end" class="outlet" {
                    (truncate(&o.outlet, 24))
                }
                @for a in articles.iter().filter(|a| a.outlet.as_deref().unwrap_or("(unknown)") == o.outlet) {
                    @let t = instant(a.time());
                    @if t != i64::MAX {
                        circle cx=(format!("{:.1}", x(t))) cy=(y) r="6"
                            class=(if a.copy_of.is_some() { "dot copy" } else { "dot" }) {
                            title {
                                (a.title.as_deref().unwrap_or(&a.key)) " — " (fmt(t)) " UTC"
                                @if a.copy_of.is_some() { " (copy)" }
                            }
                        }
                    }
                }
            }
            @let base = TOP + ROW * outlets.len() as f64 + 8.0;
            line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(base) y2=(base) class="axis" {}
            text x=(LEFT) y=(base + 18.0) text-anchor="start" class="tick" { (fmt(min)) }
            text x=(WIDTH - RIGHT) y=(base + 18.0) text-anchor="end" class="tick" { (fmt(max)) " UTC" }
        }
    })
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

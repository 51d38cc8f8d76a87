//! A story's coverage over time, per outlet, as an inline SVG drawn on the server: one row per
//! outlet, one dot per article at its publication time, copies drawn hollow. No script, no
//! external file, and every label is escaped text.

use std::collections::BTreeMap;

use maud::{Markup, html};

use crate::data::{CoveragePoint, OutletCoverage};

const WIDTH: f64 = 720.0;
const LEFT: f64 = 170.0;
const RIGHT: f64 = 20.0;
const ROW: f64 = 26.0;
const TOP: f64 = 12.0;
const AXIS: f64 = 34.0;
/// The plot, or `None` when no article has a usable time. Articles of one outlet that fall on
/// the same point of the axis are drawn as one dot whose tooltip counts them.
pub fn coverage(outlets: &[OutletCoverage], points: &[CoveragePoint]) -> Option<Markup> {
    let times: Vec<i64> = points.iter().map(|p| p.instant).filter(|t| *t != i64::MAX).collect();
    let (min, max) = (*times.iter().min()?, *times.iter().max()?);
    let span = (max - min).max(60) as f64;
    let x = |t: i64| LEFT + (t - min) as f64 / span * (WIDTH - LEFT - RIGHT);
    // The outlets the points are of (the digest keeps the busiest), in the table's order.
    let drawn: std::collections::HashSet<&str> = points.iter().map(|p| p.outlet.as_str()).collect();
    let chosen: Vec<&OutletCoverage> =
        outlets.iter().filter(|o| drawn.contains(o.outlet.as_str())).collect();
    let row_of: BTreeMap<&str, usize> =
        chosen.iter().enumerate().map(|(i, o)| (o.outlet.as_str(), i)).collect();
    // (row, whole pixel, copy) -> (articles, earliest time)
    let mut dots: BTreeMap<(usize, i64, bool), (usize, i64)> = BTreeMap::new();
    for p in points.iter().filter(|p| p.instant != i64::MAX) {
        let Some(&row) = row_of.get(p.outlet.as_str()) else { continue };
        let d = dots.entry((row, x(p.instant).round() as i64, p.copy)).or_insert((0, p.instant));
        d.0 += p.count;
        d.1 = d.1.min(p.instant);
    }
    let height = TOP + ROW * chosen.len() as f64 + AXIS;
    let fmt = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.format("%d %b %H:%M").to_string())
            .unwrap_or_default()
    };
    let shown = if chosen.len() < outlets.len() {
        format!(" (the {} with the most articles are drawn)", chosen.len())
    } else {
        String::new()
    };
    let label = format!(
        "Coverage over time: {} articles from {} outlets{shown} between {} and {} UTC",
        outlets.iter().map(|o| o.articles).sum::<usize>(),
        outlets.len(),
        fmt(min),
        fmt(max)
    );
    Some(html! {
        svg.coverage xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="coverage-title"
            viewBox=(format!("0 0 {WIDTH} {height}")) width="100%" {
            title id="coverage-title" { (label) }
            @for (row, o) in chosen.iter().enumerate() {
                @let y = TOP + ROW * row as f64 + ROW / 2.0;
                line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(y) y2=(y) class="grid" {}
                text x=(LEFT - 8.0) y=(y + 4.0) text-anchor="end" class="outlet" {
                    (truncate(&o.outlet, 24))
                }
            }
            @for ((row, px, copy), (n, t)) in &dots {
                @let y = TOP + ROW * *row as f64 + ROW / 2.0;
                circle cx=(px) cy=(y) r="6" class=(if *copy { "dot copy" } else { "dot" }) {
                    title {
                        (chosen[*row].outlet) ": "
                        @if *n > 1 { (n) " articles from " } (fmt(*t)) " UTC"
                        @if *copy { @if *n > 1 { " (copies)" } @else { " (copy)" } }
                    }
                }
            }
            @let base = TOP + ROW * chosen.len() as f64 + 8.0;
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

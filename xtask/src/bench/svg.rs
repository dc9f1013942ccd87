//! A small SVG line chart of generation time and peak memory against operation count.

use std::fmt::Write as _;

/// One spec size, measured both ways.
pub struct Point {
    pub operations: usize,
    pub ours_ms: f64,
    pub baseline_ms: f64,
    pub ours_mib: f64,
    pub baseline_mib: f64,
}

/// Picks (ours, baseline) from a point.
type Series = fn(&Point) -> (f64, f64);

/// Two panels (time, memory), log-scaled operation axis, ours and baseline as two lines each.
pub fn plot(points: &[Point]) -> String {
    let (width, height, margin) = (900.0, 360.0, 60.0);
    let panel = (width - 3.0 * margin) / 2.0;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    let xs: Vec<f64> = points.iter().map(|p| (p.operations as f64).log10()).collect();
    let (x0, x1) = (
        xs.iter().copied().fold(f64::INFINITY, f64::min),
        xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let panels: [(&str, &str, Series); 2] = [
        ("generation time", "ms", |p: &Point| (p.ours_ms, p.baseline_ms)),
        ("peak memory", "MiB", |p: &Point| (p.ours_mib, p.baseline_mib)),
    ];
    for (i, (title, unit, value)) in panels.iter().enumerate() {
        let left = margin + i as f64 * (panel + margin);
        let (top, bottom) = (40.0, height - 50.0);
        let max = points.iter().map(|p| value(p).0.max(value(p).1)).fold(0.0, f64::max) * 1.1;
        let x = |v: f64| {
            left + if x1 > x0 {
                (v - x0) / (x1 - x0) * panel
            } else {
                panel / 2.0
            }
        };
        let y = |v: f64| bottom - if max > 0.0 { v / max * (bottom - top) } else { 0.0 };
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">{title} ({unit}) vs operations</text>",
            left + panel / 2.0
        );
        let _ = writeln!(
            out,
            "<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\" stroke=\"black\"/><line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{bottom}\" stroke=\"black\"/>",
            left + panel
        );
        for tick in 0..=4 {
            let v = max * tick as f64 / 4.0;
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{v:.0}</text>",
                left - 6.0,
                y(v) + 4.0
            );
        }
        for (p, xv) in points.iter().zip(&xs) {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x(*xv),
                bottom + 18.0,
                p.operations
            );
        }
        for (series, color, pick) in [("ours", "#d6452b", 0), ("baseline", "#2b6cd6", 1)] {
            let coords: Vec<String> = points
                .iter()
                .zip(&xs)
                .map(|(p, xv)| {
                    let v = if pick == 0 { value(p).0 } else { value(p).1 };
                    format!("{:.1},{:.1}", x(*xv), y(v))
                })
                .collect();
            let _ = writeln!(
                out,
                "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
                coords.join(" ")
            );
            for c in &coords {
                let (cx, cy) = c.split_once(',').unwrap_or(("0", "0"));
                let _ = writeln!(out, "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"3\" fill=\"{color}\"/>");
            }
            let ly = top + if pick == 0 { 0.0 } else { 16.0 };
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{ly}\" fill=\"{color}\">{series}</text>",
                left + 10.0
            );
        }
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">operations (log scale)</text>",
            left + panel / 2.0,
            height - 12.0
        );
    }
    out.push_str("</svg>\n");
    out
}

//! Inline SVG charts of `report.html`, drawn with `plotters`' SVG backend (integer pixel
//! coordinates, text left to the browser's fonts: the same bytes on every machine).
//!
//! Only numbers and fixed captions reach a chart; data strings never do.

use plotters::prelude::*;

use super::summary::Histogram;

/// Chart width and height in pixels.
const SIZE: (u32, u32) = (560, 260);

/// Bar colour (the page's accent).
const BAR: RGBColor = RGBColor(0x2b, 0x6c, 0xb0);

/// A histogram as an `<svg>` element: bars over `[lo, hi]`, the x axis labelled `x_desc`, the y
/// axis the count. `None` when plotters fails (the page then says the chart is unavailable).
pub fn histogram_svg(h: &Histogram, x_desc: &str) -> Option<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let top = h.counts.iter().copied().max().unwrap_or(0).max(1);
        // Headroom above the highest bar so it never touches the frame.
        let y_max = top + top.div_ceil(10);
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(h.lo..h.hi, 0u64..y_max)
            .ok()?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            // Minor grid lines in the background colour: the bold ones at the labels suffice.
            .light_line_style(WHITE)
            .x_desc(x_desc)
            .y_desc("count")
            .x_labels(11)
            .y_labels(6)
            .x_label_formatter(&|v| format!("{v:.1}"))
            .label_style(("sans-serif", 12))
            .axis_desc_style(("sans-serif", 13))
            .draw()
            .ok()?;
        let width = (h.hi - h.lo) / h.counts.len().max(1) as f64;
        let bars = h.counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(i, &c)| {
            let x0 = h.lo + width * i as f64;
            Rectangle::new([(x0, 0), (x0 + width, c)], BAR.filled())
        });
        chart.draw_series(bars).ok()?;
        root.present().ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_draws_one_bar_per_non_empty_bin_and_the_same_bytes_twice() {
        let h = Histogram { lo: 0.0, hi: 1.0, counts: vec![3, 0, 7, 1] };
        let a = histogram_svg(&h, "score").expect("draws");
        assert!(a.starts_with("<svg"), "{}", &a[..40.min(a.len())]);
        assert_eq!(a, histogram_svg(&h, "score").expect("draws"));
        // The background, then three bars in the bar colour.
        assert_eq!(a.matches("fill=\"#2B6CB0\"").count(), 3, "{a}");
    }

    #[test]
    fn any_bar_height_draws_without_a_panic() {
        // plotters computes its axis ticks in the value type; some of its options overflow on
        // small integer ranges (hence none of them is used). Every height up to 300, and large ones.
        let heights = (0..=300u64).chain([999, 1_000, 65_535, 1_000_000, 123_456_789, u64::from(u32::MAX)]);
        for top in heights {
            let h = Histogram { lo: 0.0, hi: 1.0, counts: vec![top, top / 2, 1] };
            assert!(histogram_svg(&h, "score").is_some(), "height {top}");
        }
    }

    #[test]
    fn an_empty_histogram_still_draws_its_axes() {
        let h = Histogram { lo: 0.0, hi: 1.0, counts: vec![0; 20] };
        let svg = histogram_svg(&h, "score").expect("draws");
        assert!(svg.contains("count"), "{svg}");
    }
}

//! The `/history` picture: mood, strongest urge and hours slept per day, days of reported use
//! shaded softly, and the check-ins done. Drawn with `plotters` into memory and encoded as PNG;
//! the text uses DejaVu Sans, embedded in the binary (no system fonts, no fontconfig).
//!
//! Made for a phone: 1080 px wide, large type, high contrast, and the Okabe–Ito palette, which
//! stays distinguishable with the common kinds of colour blindness. Each series also has its
//! own marker shape, so the picture reads in grey too.

use crate::domain::history::Point;
use crate::domain::progress::Day;
use anyhow::{anyhow, Context, Result};
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::sync::OnceLock;

pub const WIDTH: u32 = 1080;
pub const HEIGHT: u32 = 1500;

const FONT: &str = "DejaVu Sans";
static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

// Okabe–Ito.
const BLUE: RGBColor = RGBColor(0, 114, 178);
const VERMILLION: RGBColor = RGBColor(213, 94, 0);
const GREEN: RGBColor = RGBColor(0, 158, 115);
const ORANGE: RGBColor = RGBColor(230, 159, 0);
const INK: RGBColor = RGBColor(26, 26, 26);
const GRID: RGBColor = RGBColor(225, 225, 225);
const BARS: RGBColor = RGBColor(90, 90, 90);

/// The words on the picture, in the patient's language.
pub struct Labels {
    pub title: String,
    pub mood: String,
    pub craving: String,
    pub sleep: String,
    pub checkins: String,
    /// The legend of the shaded days.
    pub used: String,
    /// One label per day of the points (only some are printed).
    pub days: Vec<String>,
}

fn fonts() -> Result<()> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = DONE.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, REGULAR).is_ok()
            && plotters::style::register_font(FONT, FontStyle::Bold, BOLD).is_ok()
    });
    ok.then_some(())
        .ok_or_else(|| anyhow!("the embedded chart font did not load"))
}

/// The chart of `points` (oldest first) as a PNG.
pub fn render(points: &[Point], labels: &Labels) -> Result<Vec<u8>> {
    fonts()?;
    let mut rgb = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
    draw(&mut rgb, points, labels).map_err(|e| anyhow!("drawing the chart: {e}"))?;
    let mut png_bytes = Vec::with_capacity(256 * 1024);
    {
        let mut encoder = png::Encoder::new(&mut png_bytes, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header().context("encoding the chart")?;
        writer
            .write_image_data(&rgb)
            .context("encoding the chart")?;
    }
    Ok(png_bytes)
}

type DrawResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn draw(rgb: &mut [u8], points: &[Point], labels: &Labels) -> DrawResult {
    let root = BitMapBackend::with_buffer(rgb, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let (head, body) = root.split_vertically(150);
    head.draw(&Text::new(
        labels.title.clone(),
        (40, 36),
        (FONT, 50).into_font().style(FontStyle::Bold).color(&INK),
    ))?;
    // The legend of the shaded days, with a sample of the shade (only when a day is shaded).
    if points.iter().any(|p| p.use_day == Some(Day::Used)) {
        head.draw(&Rectangle::new(
            [(42, 104), (82, 134)],
            ORANGE.mix(0.28).filled(),
        ))?;
        head.draw(&Text::new(
            labels.used.clone(),
            (96, 102),
            (FONT, 32).into_font().color(&INK),
        ))?;
    }
    let (panels, strip) = body.split_vertically(body.dim_in_pixel().1 as i32 - 270);
    let panels = panels.split_evenly((3, 1));
    let sleep_top = points
        .iter()
        .filter_map(|p| p.sleep_hours)
        .fold(12.0_f64, f64::max)
        .ceil();
    let series: [Series; 3] = [
        (&labels.mood, BLUE, Shape::Circle, 10.0, |p| p.mood),
        (&labels.craving, VERMILLION, Shape::Square, 10.0, |p| {
            p.craving
        }),
        (&labels.sleep, GREEN, Shape::Triangle, sleep_top, |p| {
            p.sleep_hours
        }),
    ];
    for (area, (name, colour, shape, top, value)) in panels.iter().zip(series) {
        panel(area, points, labels, name, colour, shape, top, value)?;
    }
    checkins_strip(&strip, points, labels)?;
    root.present()?;
    Ok(())
}

/// A panel: its name, colour, marker, top of the scale, and the day's value.
type Series<'a> = (&'a String, RGBColor, Shape, f64, fn(&Point) -> Option<f64>);

#[derive(Clone, Copy)]
enum Shape {
    Circle,
    Square,
    Triangle,
}

/// Which day labels are printed: every day up to 7, then about six along the axis.
fn label_every(n: usize) -> usize {
    if n <= 7 {
        1
    } else {
        n.div_ceil(6)
    }
}

fn day_label(labels: &Labels, x: f64) -> String {
    let n = labels.days.len();
    let i = x.round();
    if (x - i).abs() > 0.01 || i < 0.0 || i as usize >= n {
        return String::new();
    }
    let i = i as usize;
    // Counted back from the last day, so today is always labelled.
    if (n - 1 - i).is_multiple_of(label_every(n)) {
        labels.days[i].clone()
    } else {
        String::new()
    }
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A panel's frame, the same for every panel: its caption (text, size, colour), the days
/// along the bottom, the values from 0 to `top` up the side, light grid lines; `(top, bottom)`
/// margins in pixels.
fn frame<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, plotters::coord::Shift>,
    labels: &Labels,
    (caption, size, colour): (&str, u32, RGBColor),
    top: f64,
    y_labels: usize,
    (margin_top, margin_bottom): (u32, u32),
) -> Result<Chart<'a, DB>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let n = labels.days.len();
    let mut chart = ChartBuilder::on(area)
        .margin_left(20)
        .margin_right(56)
        .margin_top(margin_top)
        .margin_bottom(margin_bottom)
        .caption(
            caption,
            (FONT, size)
                .into_font()
                .style(FontStyle::Bold)
                .color(&colour),
        )
        .x_label_area_size(48)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5..(n as f64 - 0.5), 0.0..top)?;
    let formatter = |x: &f64| day_label(labels, *x);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n.min(200) * 2 + 1)
        .x_label_formatter(&formatter)
        .y_labels(y_labels)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .label_style((FONT, 28).into_font().color(&INK))
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .axis_style(INK.stroke_width(2))
        .draw()?;
    Ok(chart)
}

#[allow(clippy::too_many_arguments)]
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    points: &[Point],
    labels: &Labels,
    name: &str,
    colour: RGBColor,
    shape: Shape,
    top: f64,
    value: fn(&Point) -> Option<f64>,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let n = points.len();
    let mut chart = frame(
        area,
        labels,
        (name, 38, colour),
        top,
        if top > 10.0 { 7 } else { 6 },
        (10, 0),
    )?;
    // Days of reported use: a soft shade behind the values, never a mark of failure.
    chart.draw_series(
        points
            .iter()
            .enumerate()
            .filter(|(_, p)| p.use_day == Some(Day::Used))
            .map(|(i, _)| {
                let x = i as f64;
                Rectangle::new([(x - 0.5, 0.0), (x + 0.5, top)], ORANGE.mix(0.28).filled())
            }),
    )?;
    // A line through consecutive days only: a day without an answer leaves a gap.
    let width = if n > 40 { 3 } else { 5 };
    let mut run: Vec<(f64, f64)> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        match value(p) {
            Some(v) => run.push((i as f64, v)),
            None => {
                if run.len() > 1 {
                    chart.draw_series(LineSeries::new(run.clone(), colour.stroke_width(width)))?;
                }
                run.clear();
            }
        }
    }
    if run.len() > 1 {
        chart.draw_series(LineSeries::new(run, colour.stroke_width(width)))?;
    }
    let size = if n > 40 { 5 } else { 11 };
    let marks = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((i as f64, value(p)?)));
    match shape {
        Shape::Circle => {
            chart.draw_series(marks.map(|c| Circle::new(c, size, colour.filled())))?;
        }
        Shape::Square => {
            chart.draw_series(marks.map(|c| {
                EmptyElement::at(c)
                    + Rectangle::new([(-size, -size), (size, size)], colour.filled())
            }))?;
        }
        Shape::Triangle => {
            chart.draw_series(marks.map(|c| TriangleMarker::new(c, size + 3, colour.filled())))?;
        }
    }
    Ok(())
}

fn checkins_strip<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    points: &[Point],
    labels: &Labels,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let top = points.iter().map(|p| p.checkins).max().unwrap_or(0).max(2) as f64;
    let mut chart = frame(
        area,
        labels,
        (&labels.checkins, 34, BARS),
        top,
        top as usize + 1,
        (0, 20),
    )?;
    chart.draw_series(
        points
            .iter()
            .enumerate()
            .filter(|(_, p)| p.checkins > 0)
            .map(|(i, p)| {
                let x = i as f64;
                Rectangle::new(
                    [(x - 0.32, 0.0), (x + 0.32, f64::from(p.checkins))],
                    BARS.filled(),
                )
            }),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::checkin::UseAnswer;
    use crate::domain::history::{series, Entry};
    use chrono::NaiveDate;

    fn labels(n: usize) -> Labels {
        Labels {
            title: "Your last days".into(),
            mood: "Mood".into(),
            craving: "Strongest urge".into(),
            sleep: "Hours slept".into(),
            checkins: "Check-ins".into(),
            used: "a day you said you used".into(),
            days: (0..n).map(|i| format!("{i} Dec")).collect(),
        }
    }

    /// A PNG of the promised size; the picture changes with the data (the pixels are drawn,
    /// not a fixed image).
    #[test]
    fn draws_a_png_that_depends_on_the_data() {
        let last = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let entries: Vec<Entry> = (0..7)
            .filter(|i| *i != 3)
            .map(|i| Entry {
                date: last - chrono::Days::new(6 - i),
                mood: Some(3 + i as u8),
                sleep_minutes: Some(360 + 30 * i as u16),
                craving: Some(8 - i as u8),
                used: Some(if i == 1 {
                    UseAnswer::Yes
                } else {
                    UseAnswer::No
                }),
            })
            .collect();
        let a = render(&series(&entries, last, 7), &labels(7)).unwrap();
        assert!(a.starts_with(b"\x89PNG\r\n\x1a\n"));
        let decoder = png::Decoder::new(std::io::Cursor::new(&a));
        let reader = decoder.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (WIDTH, HEIGHT));
        let b = render(&series(&entries[..3], last, 7), &labels(7)).unwrap();
        assert_ne!(a, b);
        let empty = render(&series(&[], last, 90), &labels(90)).unwrap();
        assert!(empty.len() < a.len());
    }

    #[test]
    fn label_spacing_keeps_the_last_day() {
        let l = labels(28);
        assert_eq!(day_label(&l, 27.0), "27 Dec");
        assert_eq!(day_label(&l, 26.0), "");
        assert_eq!(day_label(&l, 22.0), "22 Dec");
        assert_eq!(day_label(&l, 26.5), "");
        let l = labels(7);
        assert!((0..7).all(|i| !day_label(&l, i as f64).is_empty()));
    }
}

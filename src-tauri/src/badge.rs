//! The unread count drawn on the app's icon for the tray: a red capsule with white digits in
//! the lower right corner, "99+" beyond 99. Pure pixel work on RGBA buffers, so it is tested
//! here without a desktop.

/// The side of the tray icon, in pixels (tray hosts scale it to their panel).
pub const SIZE: u32 = 64;

/// The badge's fill (Material red 700) and text colour.
const FILL: [u8; 3] = [0xD3, 0x2F, 0x2F];
const TEXT: [u8; 3] = [0xFF, 0xFF, 0xFF];

/// Digits and '+' as 3×5 bitmaps, a row per byte (bit 2 is the left column).
const GLYPH_W: u32 = 3;
const GLYPH_H: u32 = 5;

fn glyph(c: char) -> [u8; 5] {
    match c {
        '0' => [0b111, 0b101, 0b101, 0b101, 0b111],
        '1' => [0b010, 0b110, 0b010, 0b010, 0b111],
        '2' => [0b111, 0b001, 0b111, 0b100, 0b111],
        '3' => [0b111, 0b001, 0b111, 0b001, 0b111],
        '4' => [0b101, 0b101, 0b111, 0b001, 0b001],
        '5' => [0b111, 0b100, 0b111, 0b001, 0b111],
        '6' => [0b111, 0b100, 0b111, 0b101, 0b111],
        '7' => [0b111, 0b001, 0b010, 0b010, 0b010],
        '8' => [0b111, 0b101, 0b111, 0b101, 0b111],
        '9' => [0b111, 0b101, 0b111, 0b001, 0b111],
        '+' => [0b000, 0b010, 0b111, 0b010, 0b000],
        _ => [0; 5],
    }
}

/// What the badge says for `unread` messages: nothing for none, "99+" beyond 99.
pub fn text(unread: u32) -> Option<String> {
    match unread {
        0 => None,
        1..=99 => Some(unread.to_string()),
        _ => Some("99+".to_owned()),
    }
}

/// Scales a square RGBA icon of side `side` to [`SIZE`] by averaging (box filter), or by
/// repeating pixels when it is smaller. Returns `None` when the buffer does not match `side`.
pub fn fit(rgba: &[u8], side: u32) -> Option<Vec<u8>> {
    if side == 0 || rgba.len() != (side * side * 4) as usize {
        return None;
    }
    let mut out = vec![0u8; (SIZE * SIZE * 4) as usize];
    for y in 0..SIZE {
        for x in 0..SIZE {
            // The source square that maps onto this pixel (at least one source pixel).
            let (x0, x1) = (
                x * side / SIZE,
                ((x + 1) * side / SIZE).max(x * side / SIZE + 1),
            );
            let (y0, y1) = (
                y * side / SIZE,
                ((y + 1) * side / SIZE).max(y * side / SIZE + 1),
            );
            let mut sum = [0u32; 4];
            let mut n = 0u32;
            for sy in y0..y1.min(side) {
                for sx in x0..x1.min(side) {
                    let i = ((sy * side + sx) * 4) as usize;
                    for (c, s) in sum.iter_mut().enumerate() {
                        *s += u32::from(rgba[i + c]);
                    }
                    n += 1;
                }
            }
            let o = ((y * SIZE + x) * 4) as usize;
            for c in 0..4 {
                out[o + c] = (sum[c] / n.max(1)) as u8;
            }
        }
    }
    Some(out)
}

/// Draws the badge for `unread` onto a [`SIZE`]×[`SIZE`] RGBA icon (left as it is for none).
pub fn draw(icon: &mut [u8], unread: u32) {
    let Some(label) = text(unread) else {
        return;
    };
    if icon.len() != (SIZE * SIZE * 4) as usize {
        return;
    }
    let chars: Vec<char> = label.chars().collect();
    let count = chars.len() as u32;
    // Text width in glyph units: glyphs plus a one-unit gap between them.
    let units = count * GLYPH_W + count.saturating_sub(1);
    let scale = if count <= 2 { 5 } else { 4 };
    let pad = 5;
    let h = GLYPH_H * scale + 2 * pad;
    let w = (units * scale + 2 * pad).max(h).min(SIZE);
    let (left, top) = ((SIZE - w) as f32, (SIZE - h) as f32);
    let r = h as f32 / 2.0;
    // The capsule: a segment between the two round ends' centres, widened by r.
    let (cx0, cx1, cy) = (left + r, left + w as f32 - r, top + r);
    for y in (SIZE - h)..SIZE {
        for x in (SIZE - w)..SIZE {
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            let nearest = px.clamp(cx0, cx1);
            let d = ((px - nearest).powi(2) + (py - cy).powi(2)).sqrt() - r;
            let coverage = (0.5 - d).clamp(0.0, 1.0);
            if coverage > 0.0 {
                blend(icon, x, y, FILL, coverage);
            }
        }
    }
    let text_w = units * scale;
    let x_start = SIZE - w + (w - text_w) / 2;
    let y_start = SIZE - h + pad;
    for (i, c) in chars.iter().enumerate() {
        let gx = x_start + i as u32 * (GLYPH_W + 1) * scale;
        for (row, bits) in glyph(*c).iter().enumerate() {
            for col in 0..GLYPH_W {
                if bits & (1 << (GLYPH_W - 1 - col)) == 0 {
                    continue;
                }
                for dy in 0..scale {
                    for dx in 0..scale {
                        let (x, y) = (gx + col * scale + dx, y_start + row as u32 * scale + dy);
                        if x < SIZE && y < SIZE {
                            blend(icon, x, y, TEXT, 1.0);
                        }
                    }
                }
            }
        }
    }
}

/// Paints `color` over the pixel at (`x`, `y`) with the given opacity.
fn blend(icon: &mut [u8], x: u32, y: u32, color: [u8; 3], alpha: f32) {
    let i = ((y * SIZE + x) * 4) as usize;
    let under = f32::from(icon[i + 3]) / 255.0;
    let out_a = alpha + under * (1.0 - alpha);
    for c in 0..3 {
        let mixed = f32::from(color[c]) * alpha + f32::from(icon[i + c]) * under * (1.0 - alpha);
        icon[i + c] = if out_a > 0.0 {
            (mixed / out_a).round() as u8
        } else {
            0
        };
    }
    icon[i + 3] = (out_a * 255.0).round() as u8;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain() -> Vec<u8> {
        // A transparent icon with an opaque blue square in the upper left quarter.
        let mut icon = vec![0u8; (SIZE * SIZE * 4) as usize];
        for y in 0..SIZE / 2 {
            for x in 0..SIZE / 2 {
                let i = ((y * SIZE + x) * 4) as usize;
                icon[i..i + 4].copy_from_slice(&[0x20, 0x40, 0xC0, 0xFF]);
            }
        }
        icon
    }

    fn pixel(icon: &[u8], x: u32, y: u32) -> [u8; 4] {
        let i = ((y * SIZE + x) * 4) as usize;
        [icon[i], icon[i + 1], icon[i + 2], icon[i + 3]]
    }

    fn count_of(icon: &[u8], rgb: [u8; 3]) -> usize {
        icon.chunks(4)
            .filter(|p| p[..3] == rgb && p[3] == 0xFF)
            .count()
    }

    #[test]
    fn the_text_is_the_count_up_to_99() {
        assert_eq!(text(0), None);
        assert_eq!(text(1).as_deref(), Some("1"));
        assert_eq!(text(99).as_deref(), Some("99"));
        assert_eq!(text(100).as_deref(), Some("99+"));
        assert_eq!(text(u32::MAX).as_deref(), Some("99+"));
    }

    #[test]
    fn no_unread_leaves_the_icon_as_it_is() {
        let mut icon = plain();
        draw(&mut icon, 0);
        assert_eq!(icon, plain());
    }

    #[test]
    fn the_badge_is_red_in_the_lower_right_with_white_digits() {
        let mut icon = plain();
        draw(&mut icon, 7);
        // The upper left keeps the icon; the corner opposite the badge stays transparent.
        assert_eq!(pixel(&icon, 4, 4), [0x20, 0x40, 0xC0, 0xFF]);
        assert_eq!(pixel(&icon, SIZE - 1, 0)[3], 0);
        // The badge's left edge, halfway down, is filled red.
        let h = GLYPH_H * 5 + 10;
        assert_eq!(
            pixel(&icon, SIZE - h + 3, SIZE - h / 2),
            [0xD3, 0x2F, 0x2F, 0xFF]
        );
        // The "7" is drawn in white: its top bar is 3 glyph columns of 5×5 pixels.
        let white = count_of(&icon, TEXT);
        assert_eq!(white, 7 * 25, "the 3×5 glyph of 7 has 7 lit cells");
        assert!(
            count_of(&icon, FILL) > 300,
            "the capsule is mostly solid red"
        );
    }

    #[test]
    fn different_counts_draw_different_badges_and_big_ones_the_same() {
        let badge = |n| {
            let mut icon = plain();
            draw(&mut icon, n);
            icon
        };
        assert_ne!(badge(1), badge(8));
        assert_ne!(badge(8), badge(18));
        assert_ne!(badge(99), badge(100));
        assert_eq!(badge(100), badge(4321));
        // Wider counts take a wider capsule: more red and white in all.
        let painted = |icon: &[u8]| {
            icon.chunks(4)
                .zip(plain().chunks(4))
                .filter(|(a, b)| a != b)
                .count()
        };
        assert!(painted(&badge(18)) > painted(&badge(8)));
    }

    #[test]
    fn fitting_averages_larger_icons_and_repeats_smaller_ones() {
        // 128 → 64: each output pixel is the mean of a 2×2 block.
        let side = 128u32;
        let mut big = vec![0u8; (side * side * 4) as usize];
        for y in 0..side {
            for x in 0..side {
                let i = ((y * side + x) * 4) as usize;
                let v = if (x + y) % 2 == 0 { 200 } else { 100 };
                big[i..i + 4].copy_from_slice(&[v, v, v, 255]);
            }
        }
        let fitted = fit(&big, side).expect("the buffer matches its side");
        assert_eq!(pixel(&fitted, 10, 10), [150, 150, 150, 255]);
        // 32 → 64: each source pixel becomes a 2×2 block.
        let small: Vec<u8> = (0..32 * 32)
            .flat_map(|i| [(i % 251) as u8, 0, 0, 255])
            .collect();
        let fitted = fit(&small, 32).expect("the buffer matches its side");
        assert_eq!(pixel(&fitted, 2, 0), pixel(&fitted, 3, 1));
        assert_eq!(pixel(&fitted, 2, 0)[0], 1);
        // A buffer of the wrong length is refused, not read out of bounds.
        assert!(fit(&small, 33).is_none());
        assert!(fit(&[], 0).is_none());
    }
}

//! A QR code of a text (an invitation link), drawn as SVG: nothing loaded from anywhere.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct QrCodeProps {
    pub text: String,
    /// What a screen reader says instead of the picture.
    pub label: String,
}

#[function_component(QrCode)]
pub fn qr_code(props: &QrCodeProps) -> Html {
    let Ok(code) = qrcode::QrCode::new(props.text.as_bytes()) else {
        return html! {};
    };
    let width = code.width();
    let colors = code.to_colors();
    // A quiet zone of four modules on every side, as scanners expect.
    let size = width + 8;
    let dark = colors
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == qrcode::Color::Dark)
        .map(|(i, _)| {
            let (x, y) = (i % width + 4, i / width + 4);
            html! { <rect x={x.to_string()} y={y.to_string()} width="1" height="1" /> }
        });
    html! {
        <svg class="qr" data-testid="invite-qr" role="img" aria-label={props.label.clone()}
            viewBox={format!("0 0 {size} {size}")} shape-rendering="crispEdges" data-modules={width.to_string()}>
            <rect class="qr-bg" x="0" y="0" width={size.to_string()} height={size.to_string()} />
            <g class="qr-fg">{ for dark }</g>
        </svg>
    }
}

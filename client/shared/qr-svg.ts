// A QR code as an SVG element (one <path>, no markup from strings). Error correction
// level M (15 % of the symbol may be lost) is the strongest that keeps a ~1 KB proof
// file (PROTOCOL.md §7) under version 40 with room to spare (M holds 2,331 bytes, Q only
// 1,663, H 1,273): a printed proof survives a crease and stays readable by a phone.
import qrcode from "qrcode-generator";

const SVG = "http://www.w3.org/2000/svg";

export function qrSvg(text: string, label: string): SVGSVGElement {
  let qr: ReturnType<typeof qrcode> | undefined;
  for (const level of ["M", "L"] as const) {
    try {
      qr = qrcode(0, level);
      qr.addData(text, "Byte");
      qr.make();
      break;
    } catch {
      qr = undefined; // too long for this level: try a weaker one
    }
  }
  if (!qr) throw new Error("qrSvg: the text is too long for a QR code");
  const count = qr.getModuleCount();
  const margin = 4; // the quiet zone the standard requires
  let d = "";
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) if (qr.isDark(row, col)) d += `M${col + margin} ${row + margin}h1v1h-1z`;
  }
  const size = count + 2 * margin;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#fff");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000");
  svg.append(background, path);
  return svg;
}

// Reads the proof from an image of its QR code (the printed proof, a photo, a screenshot):
// the image is drawn on a canvas in this page and decoded by jsQR, so the picture never
// leaves the browser. jsQR is loaded only when an image is chosen.
const MAX_SIDE = 2000; // a phone photo is scaled down: jsQR is slow on 12 Mpx and needs no more

type Decoder = (data: Uint8ClampedArray, width: number, height: number, options?: { inversionAttempts?: string }) => { data: string } | null;

async function decoder(): Promise<Decoder> {
  const module = (await import("jsqr")) as unknown as { default: Decoder | { default: Decoder } };
  const exported = module.default;
  return typeof exported === "function" ? exported : exported.default; // jsQR is a UMD bundle
}

/** The text of the first QR code found in `file`, or null when there is none. */
export async function readQrImage(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  if (!context) throw new Error("canvas 2D is not available");
  // White under a transparent PNG: jsQR reads dark modules on a light background.
  context.fillStyle = "#fff";
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const { data } = context.getImageData(0, 0, width, height);
  return (await decoder())(data, width, height, { inversionAttempts: "attemptBoth" })?.data ?? null;
}

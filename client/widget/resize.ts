// The frame asks embed.js for the height of its content, so that the partner page shows
// it whole. The message goes to EXACTLY the partner origin the server checked against the
// ballot's app (never "*"), and holds a number only.
export function reportHeight(host: string | null): void {
  if (host === null || window.parent === window) return;
  let last = 0;
  const send = () => {
    // The body's own height: the document's scrollHeight is never below the frame's height,
    // so it could only ever grow the frame.
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "urne:resize", height }, host);
  };
  new ResizeObserver(send).observe(document.body);
  send();
}

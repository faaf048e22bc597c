// Tests bind to 127.0.0.1 only: the server's own free-port finder.
export { freePort } from "../../server/process/free-port.js";

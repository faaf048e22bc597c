// Lint rules that guard the architecture as well as the code: the protocol module is
// shared by the server, the widget and the observer tools, so it must never import the
// server (Helios kept two drifting copies of its crypto; we keep one). What the relay and
// the observers share in Node only (the fast vote checks, their worker threads) is in
// protocol/ too, in *.node.ts files, the only ones that may import node:*.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "build/", "dist/", "data/", "protocol/generated/", "test-output/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: "readonly", process: "readonly", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", URL: "readonly", fetch: "readonly", AbortSignal: "readonly", TextEncoder: "readonly", TextDecoder: "readonly", globalThis: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    files: ["protocol/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [
        { group: ["**/server/**", "**/observer/**", "**/client/**", "**/idp/**", "**/trustee/**"], message: "protocol/ is shared: it must not import the server, the observer, the trustee, the client or the idp." },
      ] }],
    },
  },
  {
    files: ["protocol/**/*.ts"],
    ignores: ["protocol/**/*.node.ts", "protocol/node.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [
        { group: ["node:*"], message: "protocol/ runs in browsers: node-only code goes in a *.node.ts file." },
        { group: ["**/server/**", "**/observer/**", "**/client/**", "**/idp/**", "**/trustee/**"], message: "protocol/ is shared: it must not import the server, the observer, the trustee, the client or the idp." },
      ] }],
    },
  },
  {
    files: ["observer/**/*.ts", "client/**/*.ts", "trustee/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [
        { group: ["**/server/**"], message: "observers, trustees and the widget trust only protocol/, never the server's code." },
      ] }],
    },
  },
  { files: ["**/*.cjs"], languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable", __dirname: "readonly" } }, rules: { "@typescript-eslint/no-require-imports": "off" } },
);

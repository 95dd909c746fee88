// ESLint for web/: typescript-eslint's recommended rules, and React's hooks rules (with the React Compiler's checks)
// on the client, its hook and the dashboard. Formatting is Prettier's (`npm run format:check`), not ESLint's.
// The type-aware rule sets are left out: they cost about three times as long, and `tsc` checks types in the build.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig([
  globalIgnores(["**/dist/", "client/src/generated/", "client/openapi/"]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["client/src/**/*.ts", "dashboard/src/**/*.{ts,tsx}"],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
  },
  { files: ["**/*.mjs", "client/test/**", "**/*.config.ts"], languageOptions: { globals: globals.node } },
]);

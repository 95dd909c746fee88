import { defineConfig } from "vite";

// Built into the Api host's wwwroot, which serves it at "/". JSX without a plugin: esbuild's automatic runtime.
// Stable file names: the .NET SDK lists wwwroot's files when a build starts, before this build rewrites them.
export default defineConfig({
  esbuild: { jsx: "automatic" },
  build: {
    outDir: "../../Api/wwwroot",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: { entryFileNames: "assets/[name].js", chunkFileNames: "assets/[name].js", assetFileNames: "assets/[name][extname]" },
    },
  },
});

// comlink has no exports map: its ES modules are the .mjs files, typed by the .d.ts beside the .js ones.
declare module "comlink/dist/esm/comlink.mjs" {
  export * from "comlink/dist/esm/comlink.js";
}
declare module "comlink/dist/esm/node-adapter.mjs" {
  import type { Endpoint } from "comlink/dist/esm/protocol.js";
  export default function nodeEndpoint(port: unknown): Endpoint;
}

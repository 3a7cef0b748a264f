// js-yaml ships without types; the tests only parse the example stack file with it.
declare module "js-yaml" {
  export function load(text: string): unknown;
}

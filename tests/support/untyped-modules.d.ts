// jsonld and n3 ship no type declarations (and no @types package is installed): the tests use them
// as parsers only, loosely typed.
declare module "jsonld";
declare module "n3";

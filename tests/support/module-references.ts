// Every module or file a TypeScript source names relative to itself, read from its syntax tree (no
// compilation): static imports and re-exports, `import type`, `import("...")` calls and types,
// `import.meta.resolve("...")`, and the string paths handed to `new URL(..., import.meta.url)`,
// the way code reaches a file that no import shows (a template's fixed start counts: in
// `../../subgraphs/${kind}/prisma/` the folder `subgraphs/` is already named).
import ts from "typescript";

export interface ModuleReference {
  specifier: string;
  line: number;
  how: "import" | "dynamic import" | "import.meta.resolve" | "new URL";
}

function isImportMetaUrl(node: ts.Node): boolean {
  return (
    ts.isPropertyAccessExpression(node) &&
    ts.isMetaProperty(node.expression) &&
    node.expression.keywordToken === ts.SyntaxKind.ImportKeyword &&
    node.name.text === "url"
  );
}

/** String paths inside an expression: literals, a template's fixed start, both arms of `a ? "x" : "y"`. */
function pathsIn(node: ts.Node): string[] {
  if (ts.isStringLiteralLike(node)) return [node.text];
  if (ts.isTemplateExpression(node)) return [node.head.text];
  const found: string[] = [];
  node.forEachChild((child) => void found.push(...pathsIn(child)));
  return found;
}

export function moduleReferences(fileName: string, text: string): ModuleReference[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: ModuleReference[] = [];
  const add = (node: ts.Node, specifier: string, how: ModuleReference["how"]) =>
    found.push({ specifier, how, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node, node.moduleSpecifier.text, "import");
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node, node.argument.literal.text, "dynamic import");
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) {
      for (const p of pathsIn(node.arguments[0])) add(node, p, "dynamic import");
    } else if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ts.isMetaProperty(node.expression.expression) &&
      node.expression.name.text === "resolve" &&
      node.arguments[0]
    ) {
      for (const p of pathsIn(node.arguments[0])) add(node, p, "import.meta.resolve");
    } else if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "URL" &&
      node.arguments?.length === 2 &&
      isImportMetaUrl(node.arguments[1]!)
    ) {
      for (const p of pathsIn(node.arguments[0]!)) add(node, p, "new URL");
    }
    node.forEachChild(visit);
  };
  visit(source);
  return found;
}

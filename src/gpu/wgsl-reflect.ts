// What a WGSL module's text says about its uniforms: the var<uniform> an entry point uses and the
// fields of their structs. A scan, not a parser: enough for this project's shaders (block comments
// do not nest, uniform structs hold no arrays).

export interface WgslField {
  name: string;
  /** The type as written, with vecN<T> shortened to vecNf / vecNu / vecNi. */
  type: string;
}

export interface WgslUniform {
  group: number;
  binding: number;
  variable: string;
  struct: string;
  fields: WgslField[];
}

interface Module {
  structs: Map<string, WgslField[]>;
  uniforms: Omit<WgslUniform, 'fields'>[];
  /** Function name -> its body. */
  functions: Map<string, string>;
}

const modules = new Map<string, Module>();
const IDENTIFIER = /[A-Za-z_]\w*/g;

/** Every var<uniform> the module declares. */
export function declaredUniforms(code: string): WgslUniform[] {
  const m = moduleOf(code);
  return m.uniforms.map((u) => {
    const fields = m.structs.get(u.struct);
    if (!fields) throw new Error(`var<uniform> ${u.variable}: struct ${u.struct} is not declared in the module`);
    return { ...u, fields };
  });
}

/** The var<uniform> that `entryPoint` uses, directly or through the functions it calls. */
export function uniformsOf(code: string, entryPoint: string): WgslUniform[] {
  const functions = moduleOf(code).functions;
  const reached = new Set<string>();
  const names = new Set<string>();
  for (const pending = [entryPoint]; pending.length > 0; ) {
    const fn = pending.pop()!;
    if (reached.has(fn)) continue;
    reached.add(fn);
    for (const id of functions.get(fn)?.match(IDENTIFIER) ?? []) {
      names.add(id);
      if (functions.has(id)) pending.push(id);
    }
  }
  return declaredUniforms(code).filter((u) => names.has(u.variable));
}

function moduleOf(code: string): Module {
  let m = modules.get(code);
  if (!m) modules.set(code, (m = scan(code)));
  return m;
}

function scan(source: string): Module {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/.*$/gm, '');
  const structs = new Map<string, WgslField[]>();
  for (const [, name, body] of code.matchAll(/\bstruct\s+(\w+)\s*\{([^}]*)\}/g)) structs.set(name!, fieldsOf(name!, body!));
  const uniforms: Module['uniforms'] = [];
  for (const [, attrs, variable, struct] of code.matchAll(/((?:@\w+\s*\([^)]*\)\s*)+)var\s*<\s*uniform\s*>\s*(\w+)\s*:\s*(\w+)/g)) {
    const attr = (a: string) => Number(new RegExp(`@${a}\\s*\\(\\s*(\\d+)`).exec(attrs!)?.[1] ?? NaN);
    uniforms.push({ group: attr('group'), binding: attr('binding'), variable: variable!, struct: struct! });
  }
  const functions = new Map<string, string>();
  for (const f of code.matchAll(/\bfn\s+(\w+)\s*\(/g)) {
    const paramsEnd = closing(code, f.index + f[0].length - 1, '(', ')');
    const open = code.indexOf('{', paramsEnd);
    functions.set(f[1]!, code.slice(open + 1, closing(code, open, '{', '}')));
  }
  return { structs, uniforms, functions };
}

function fieldsOf(struct: string, body: string): WgslField[] {
  return body
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f.length > 0)
    .map((f) => {
      const m = /^(\w+)\s*:\s*(.+)$/s.exec(f);
      if (!m) throw new Error(`struct ${struct}: cannot read field "${f}" (attributes and arrays are not supported)`);
      return { name: m[1]!, type: shortType(m[2]!) };
    });
}

/** vec2<f32> -> vec2f (the form UniformType uses). */
function shortType(type: string): string {
  const t = type.replace(/\s+/g, '');
  const m = /^vec([234])<([fiu])32>$/.exec(t);
  return m ? `vec${m[1]}${m[2]}` : t;
}

/** Index of the bracket that closes the one at `open`. */
function closing(code: string, open: number, left: string, right: string): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === left) depth++;
    else if (code[i] === right && --depth === 0) return i;
  }
  throw new Error(`unbalanced ${left}${right} in WGSL`);
}

/**
 * The browser half of islands: loaded by the page's module script, it
 * hydrates each `<frsh-island>` root with its component and props. JSX the
 * island got as props (its children) arrives as the DOM the server rendered,
 * adopted in place; islands inside it hydrate on their own.
 */
import { Component, type ComponentType, h, options, render } from "preact";
import { decodeProps } from "./deserialize.ts";
import { internal } from "./internal.ts";
import { applyVNodeRules } from "./vnode_rules.ts";

type IslandModule = Record<string, ComponentType>;

/** What the server put into the page's `__FRSH_STATE` script. */
export interface PageData {
  /** The build id. */
  b: string;
  /** `router.basePath`. */
  bp: string;
  /** URL of each island module used, by module index. */
  m: Record<number, string>;
  /** Each island on the page, by id: [module index, export name]. */
  i: [number, string][];
  /** The props of each island, encoded (see serialize.ts). */
  p: unknown[];
}

const previousVnode = options.vnode;
options.vnode = (vnode) => {
  applyVNodeRules(vnode);
  previousVnode?.(vnode);
};

const hydrated = new WeakSet<Element>();

/** Adopts the nodes the server rendered for a JSX prop, wherever the island puts it. */
class Slot
  extends Component<{ id: string; nodes: Node[]; mounted(el: Element): void }> {
  override componentDidMount() {
    const el = this.base as Element;
    el.append(...this.props.nodes);
    this.props.mounted(el);
  }
  override shouldComponentUpdate() {
    return false;
  }
  render() {
    return h("frsh-slot", {
      "data-slot": this.props.id,
      style: "display:contents",
    } as Record<string, unknown>);
  }
}

/** What hydration needs about one page (this one, or one client navigation fetched). */
export interface PageIslands {
  data: PageData;
  /** The island modules, by module index (loaded or to load). */
  modules: Record<number, IslandModule | Promise<IslandModule>>;
  /** The document the page came in, for slots the islands did not render. */
  doc: Document;
  /** Objects and signals decoded so far: shared by the page's islands. */
  refs: Map<number, unknown>;
}

function slotNodes(page: PageIslands, root: Element, id: string): Node[] {
  const el = root.querySelector(`frsh-slot[data-slot="${id}"]`);
  if (el) return [...el.childNodes];
  const template = page.doc.querySelector(
    `template[data-frsh-slot="${id}"]`,
  ) as HTMLTemplateElement | null;
  const rendered = template?.content.firstElementChild;
  return rendered ? [...document.importNode(rendered, true).childNodes] : [];
}

/** Hydrates every island root in `container` (itself included) not hydrated yet. */
export async function hydrateIslands(
  container: ParentNode,
  page: PageIslands,
): Promise<void> {
  const roots = [...container.querySelectorAll("frsh-island")];
  if (container instanceof Element && container.localName === "frsh-island") {
    roots.unshift(container);
  }
  for (const root of roots) {
    if (hydrated.has(root)) continue;
    hydrated.add(root);
    const id = Number(root.getAttribute("data-id"));
    const [module, name] = page.data.i[id];
    const mod = await page.modules[module];
    const props = decodeProps(page.data.p[id], page.refs, (prop) => {
      const slotId = `${id}:${prop}`;
      return h(Slot, {
        id: slotId,
        nodes: slotNodes(page, root, slotId),
        mounted: (el: Element) => void hydrateIslands(el, page),
      });
    }) as Record<string, unknown>;
    // render(), not hydrate(): it reuses the server's DOM but also patches
    // attributes that differ in the browser (e.g. `disabled={!IS_BROWSER}`).
    render(h(mod[name], props), root);
  }
}

/** Hydrates the page's islands; `modules` are the island modules it imported. */
export function boot(modules: Record<number, IslandModule>): void {
  const script = document.getElementById("__FRSH_STATE");
  const data = JSON.parse(script?.textContent ?? "null") as PageData | null;
  if (!data) return;
  internal.buildId = data.b;
  internal.basePath = data.bp;
  void hydrateIslands(document, {
    data,
    modules,
    doc: document,
    refs: new Map(),
  });
}

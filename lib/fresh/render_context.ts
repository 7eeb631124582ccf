/** What a `RenderFunction` (`config.render`) sees of the page being rendered. */
export class RenderContext {
  #id: string;
  #state = new Map<string, unknown>();
  #styles: string[] = [];
  #url: URL;
  #route: string;
  /** The `lang` of the default document (an `_app` that renders `<html>` sets its own). */
  lang: string;

  constructor(id: string, url: URL, route: string, lang = "en") {
    this.#id = id;
    this.#url = url;
    this.#route = route;
    this.lang = lang;
  }

  /** A unique id of this render. */
  get id(): string {
    return this.#id;
  }

  /** State kept for the length of this render. */
  get state(): Map<string, unknown> {
    return this.#state;
  }

  /** CSS rules to put into the page's head, in this order. */
  get styles(): string[] {
    return this.#styles;
  }

  /** The URL of the page being rendered. */
  get url(): URL {
    return this.#url;
  }

  /** The route pattern that matched. */
  get route(): string {
    return this.#route;
  }
}

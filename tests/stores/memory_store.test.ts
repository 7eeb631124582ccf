import { MemoryStore } from "../../lib/stores/memory_store.ts";
import { storeSuite } from "./store_suite.ts";
import { taskSuite } from "./task_suite.ts";

storeSuite("memory store", () => {
  const store = new MemoryStore();
  return Promise.resolve({ store, dispose: () => store.close() });
});

taskSuite("memory store", (options) => {
  const store = new MemoryStore(options);
  return Promise.resolve({ store, dispose: () => store.close() });
});

/** Types of static-server.cjs (plain CommonJS so `node` runs it without a build). */
export interface StaticServer {
  /** http://host:port/ */
  url: string;
  close(): Promise<void>;
}
export function serveStatic(root: string, opts?: { port?: number; host?: string }): Promise<StaticServer>;

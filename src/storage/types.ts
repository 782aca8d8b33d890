/** Where job inputs, intermediates and outputs live: local disk/NFS/PVC or S3/MinIO. */
export interface StoredObject {
  key: string;
  size: number;
  mtimeMs: number;
}

export interface Storage {
  /** 'file:///data/jobs' or 's3://bucket/prefix'. */
  readonly url: string;
  /** Publishes a local file under key atomically (temp name then rename, or a completed upload). */
  put(key: string, localPath: string, options?: { move?: boolean }): Promise<StoredObject>;
  /** Copies key to a local path (a direct path is returned where the object is already local). */
  fetch(key: string, localPath: string): Promise<string>;
  /** A path ffmpeg can read directly, when the backend is a filesystem; undefined otherwise. */
  localPath(key: string): string | undefined;
  /** A URL ffmpeg can read (presigned for S3). */
  readUrl(key: string, expiresSec?: number): Promise<string>;
  stat(key: string): Promise<StoredObject | undefined>;
  list(prefix: string): Promise<StoredObject[]>;
  delete(key: string): Promise<void>;
  deletePrefix(prefix: string): Promise<void>;
  putStream?(
    key: string,
    stream: NodeJS.ReadableStream,
    options?: { maxBytes?: number },
  ): Promise<StoredObject>;
  /** Releases connections (S3 sockets); the storage is unusable afterwards. */
  close?(): void;
}

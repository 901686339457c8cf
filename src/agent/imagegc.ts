// Image garbage collection by disk thresholds (upstream pkg/kubelet/images/image_gc_manager.go).
//
// The manager remembers, per image ID, when it first saw the image and when a container last
// used it. Every period it looks at the image filesystem: once its usage reaches the high
// threshold it removes images no container uses, least recently used first (then oldest
// detected), skipping images younger than the minimum age and pinned ones (the sandbox
// image), until usage would be back down to the low threshold. Images are removed by ID, as
// the kubelet does: removing one tag of an image can take every tag with it (runtime-recipe
// P14). When it cannot free enough it says so with a FreeDiskSpaceFailed event on the Node.

import { statfs } from 'node:fs/promises';
import type { Logger } from '../log.ts';
import { PeriodicPass } from './periodic.ts';
import { normalizeImage } from './runtime/sim.ts';
import type { ContainerRuntime, Image } from './runtime/types.ts';

export interface ImageGCPolicy {
  /** Disk usage (percent of the image filesystem) at or above which images are collected (kubelet default 85; 100 turns it off). */
  highThresholdPercent: number;
  /** Collection frees down to this usage (kubelet default 80). */
  lowThresholdPercent: number;
  /** Images detected less than this long ago are never collected (kubelet --minimum-image-ttl-duration, 2 min). */
  minAgeMs: number;
}

export const DEFAULT_IMAGE_GC_POLICY: ImageGCPolicy = { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 2 * 60_000 };
/** How often the kubelet collects (ImageGCPeriod). */
export const IMAGE_GC_PERIOD_MS = 5 * 60_000;

/** Capacity and free bytes of the filesystem images live on. */
export interface FsStats { capacityBytes: number; availableBytes: number }

interface ImageRecord { firstDetected: number; lastUsed: number; size: number }

export interface ImageGCResult { usagePercent: number; freedBytes: number; removed: string[] }

export interface ImageGCOptions {
  runtime: ContainerRuntime;
  policy?: Partial<ImageGCPolicy>;
  /** The sandbox (pause) image: never collected, as containerd pins it. */
  sandboxImage?: string;
  /** The image filesystem's size (default: statfs of the mountpoint the runtime's ImageFsInfo names). */
  fsStats?: () => Promise<FsStats>;
  /** A Node event (FreeDiskSpaceFailed, ImageGCFailed). */
  recordEvent?: (type: 'Normal' | 'Warning', reason: string, message: string) => void;
  log?: Logger;
  now?: () => number;
}

export function validatePolicy(p: ImageGCPolicy): void {
  if (p.highThresholdPercent < 0 || p.highThresholdPercent > 100) throw new Error(`invalid HighThresholdPercent ${p.highThresholdPercent}, must be in range [0-100]`);
  if (p.lowThresholdPercent < 0 || p.lowThresholdPercent > 100) throw new Error(`invalid LowThresholdPercent ${p.lowThresholdPercent}, must be in range [0-100]`);
  if (p.lowThresholdPercent > p.highThresholdPercent) throw new Error(`LowThresholdPercent ${p.lowThresholdPercent} can not be higher than HighThresholdPercent ${p.highThresholdPercent}`);
}

export class ImageGCManager {
  readonly policy: ImageGCPolicy;
  private readonly records = new Map<string, ImageRecord>();
  private readonly now: () => number;
  private readonly periodic = new PeriodicPass(() => this.garbageCollect(), (e) => {
    this.options.log?.warn('image garbage collection failed', { error: e.message });
    this.options.recordEvent?.('Warning', 'ImageGCFailed', e.message);
  });

  constructor(private readonly options: ImageGCOptions) {
    this.policy = { ...DEFAULT_IMAGE_GC_POLICY, ...options.policy };
    validatePolicy(this.policy);
    this.now = options.now ?? Date.now;
  }

  /** Collects every periodMs from now on (the first pass at once: the minimum age protects new images). */
  start(periodMs = IMAGE_GC_PERIOD_MS): void {
    this.periodic.start(periodMs, true);
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /**
   * detectImages: records every image present, and marks the ones containers use now as used
   * now. Returns the IDs in use. An image that is gone is forgotten.
   */
  async detectImages(): Promise<{ images: Image[]; inUse: Set<string> }> {
    const now = this.now();
    const [images, containers] = await Promise.all([this.options.runtime.listImages(), this.options.runtime.listContainers()]);
    const inUse = new Set<string>();
    for (const c of containers) {
      const image = images.find((i) => usedBy(i, c.imageRef, c.image.image));
      if (image) inUse.add(image.id);
    }
    const present = new Set<string>();
    for (const image of images) {
      present.add(image.id);
      let r = this.records.get(image.id);
      if (!r) this.records.set(image.id, r = { firstDetected: now, lastUsed: 0, size: image.size });
      if (inUse.has(image.id)) r.lastUsed = now;
      r.size = image.size;
    }
    for (const id of this.records.keys()) if (!present.has(id)) this.records.delete(id);
    return { images, inUse };
  }

  /** One pass: collect when the image filesystem is at or above the high threshold. */
  async garbageCollect(): Promise<ImageGCResult> {
    const { images, inUse } = await this.detectImages();
    const fs = await this.fsStats();
    if (fs.capacityBytes <= 0) throw new Error(`invalid capacity ${fs.capacityBytes} on image filesystem`);
    const usagePercent = 100 - Math.floor((fs.availableBytes * 100) / fs.capacityBytes);
    if (usagePercent < this.policy.highThresholdPercent) return { usagePercent, freedBytes: 0, removed: [] };
    const amountToFree = Math.floor((fs.capacityBytes * (100 - this.policy.lowThresholdPercent)) / 100) - fs.availableBytes;
    this.options.log?.info('image filesystem over the high threshold: collecting images', { usagePercent, highThresholdPercent: this.policy.highThresholdPercent, amountToFree });
    const { freed, removed } = await this.freeSpace(amountToFree, images, inUse);
    if (freed < amountToFree) {
      const message = `Failed to garbage collect required amount of images. Attempted to free ${amountToFree} bytes, but only found ${freed} bytes eligible to free.`;
      this.options.recordEvent?.('Warning', 'FreeDiskSpaceFailed', message);
      this.options.log?.warn(message);
    }
    return { usagePercent, freedBytes: freed, removed };
  }

  /** Removes unused images, least recently used first, until bytesToFree are freed. */
  private async freeSpace(bytesToFree: number, images: Image[], inUse: Set<string>): Promise<{ freed: number; removed: string[] }> {
    const now = this.now();
    const sandbox = this.options.sandboxImage ? normalizeImage(this.options.sandboxImage) : undefined;
    const candidates = images
      .filter((i) => !inUse.has(i.id) && !i.pinned && !(sandbox && i.repoTags.some((t) => normalizeImage(t) === sandbox)))
      .map((i) => ({ image: i, record: this.records.get(i.id)! }))
      .filter((c) => c.record && now - c.record.firstDetected >= this.policy.minAgeMs)
      .sort((a, b) => a.record.lastUsed - b.record.lastUsed || a.record.firstDetected - b.record.firstDetected);
    let freed = 0;
    const removed: string[] = [];
    for (const { image } of candidates) {
      if (freed >= bytesToFree) break;
      try {
        await this.options.runtime.removeImage({ image: image.id });
      } catch (e) {
        this.options.log?.warn('removing an image failed', { image: image.id, error: (e as Error).message });
        continue;
      }
      this.records.delete(image.id);
      removed.push(image.id);
      freed += image.size;
    }
    return { freed, removed };
  }

  private async fsStats(): Promise<FsStats> {
    if (this.options.fsStats) return this.options.fsStats();
    const info = await this.options.runtime.imageFsInfo?.();
    const mountpoint = info?.[0]?.mountpoint;
    if (!mountpoint) throw new Error('the runtime reports no image filesystem');
    const s = await statfs(mountpoint);
    return { capacityBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize };
  }
}

/** Whether a container (its image ref and requested name) runs this image. */
function usedBy(image: Image, imageRef: string, name: string): boolean {
  if (imageRef === image.id || image.repoDigests.includes(imageRef)) return true;
  if (name === image.id) return true;
  const wanted = normalizeImage(name);
  return image.repoTags.some((t) => normalizeImage(t) === wanted);
}

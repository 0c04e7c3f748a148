import { Injectable } from '@nestjs/common';
import { ArtifactContent } from '../artifacts/artifact-content';
import { dataUrlIcon, iconContentType, sha256Digest } from '../artifacts/artifact-processor';
import { ArtifactStore } from '../artifacts/artifact.store';
import { notFound } from '../http/harbor-error';
import { builtinIcon } from './builtin-icons';

/** Harbor's Icon: the picture base64-encoded, with its content type. */
export interface IconView {
  'content-type': string;
  content: string;
}

/** Icons are immutable (named by digest): the ones found are kept, up to this many. */
const CACHE_SIZE = 256;

/**
 * GET /icons/{digest}: a built-in icon of an artifact type, or an artifact's own icon (a layer
 * marked as its icon, a chart's data URL icon). Like Harbor, anyone may read an icon, and a digest
 * no artifact names as its icon is 404, whatever its spelling.
 */
@Injectable()
export class IconsService {
  private readonly cache = new Map<string, IconView>();

  constructor(
    private readonly artifacts: ArtifactStore,
    private readonly content: ArtifactContent,
  ) {}

  async get(digest: string): Promise<IconView> {
    const builtin = builtinIcon(digest);
    if (builtin) return { 'content-type': 'image/png', content: builtin.toString('base64') };
    const cached = this.cache.get(digest);
    if (cached) return cached;
    const icon = await this.ownIcon(digest);
    if (!icon) throw notFound(`the icon ${digest} not found`);
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(digest, icon);
    return icon;
  }

  private async ownIcon(digest: string): Promise<IconView | undefined> {
    const owner = await this.artifacts.iconOwner(digest);
    if (!owner) return undefined;
    let data = await this.content.read(digest);
    if (data === undefined) {
      const fromUrl = dataUrlIcon(owner.extra_attrs?.['icon']);
      if (fromUrl && sha256Digest(fromUrl) === digest) data = fromUrl;
    }
    const type = data && iconContentType(data);
    return data && type ? { 'content-type': type, content: data.toString('base64') } : undefined;
  }
}

import { Injectable } from '@nestjs/common';
import type { Access } from '@wharf/auth';
import { badRequest, notFound, unprocessable } from '../http/harbor-error';
import { ArtifactContent } from './artifact-content';
import {
  ADDITION_NAMES,
  AdditionName,
  additionsOf,
  buildHistory,
  CorruptContentError,
  MissingContentError,
  parseManifest,
  processorOf,
  readConfig,
} from './artifact-processor';
import { artifactReference, describeReference } from './artifact-reference';
import { ArtifactStore } from './artifact.store';
import { ArtifactsService } from './artifacts.service';
import { chartDetails } from './chart-archive';

export interface Addition {
  contentType: string;
  content: Buffer;
}

/** GET .../artifacts/{reference}/additions/{addition}: what Harbor's processors derive from an artifact's content. */
@Injectable()
export class AdditionsService {
  constructor(
    private readonly artifactsService: ArtifactsService,
    private readonly artifacts: ArtifactStore,
    private readonly content: ArtifactContent,
  ) {}

  async get(access: Access, projectName: string, repositoryParam: string, reference: string, additionParam: string): Promise<Addition> {
    // The name is checked against the API's enum before anything else, as Harbor's API layer does.
    if (!(ADDITION_NAMES as readonly string[]).includes(additionParam)) {
      throw unprocessable(`addition in path should be one of [${ADDITION_NAMES.join(' ')}]`);
    }
    const addition = additionParam as AdditionName;
    const { repository } = await this.artifactsService.locate(access, projectName, repositoryParam, 'artifact-addition', 'read');
    const ref = artifactReference(reference);
    const row = await this.artifacts.resolve(repository.id, ref);
    if (!row) throw notFound(`artifact ${describeReference(repository.name, ref)} not found`);
    const kind = processorOf(row);
    if (!additionsOf(kind).includes(addition)) {
      throw badRequest(`addition ${addition.toUpperCase()} isn't supported for ${row.type}`);
    }
    try {
      const manifestBody = await this.content.read(row.digest);
      if (manifestBody === undefined) throw new MissingContentError(`manifest ${row.digest} is not in storage`);
      const manifest = parseManifest(manifestBody);
      const read = (digest: string) => this.content.read(digest);
      if (addition === 'build_history') {
        return json(buildHistory(await readConfig(manifest, read)));
      }
      // A chart has its config and one layer, the packaged chart.
      const layer = manifest.layers.find((l) => l.digest !== manifest.config?.digest);
      if (!layer) throw new MissingContentError('the chart has no chart layer');
      const tgz = await read(layer.digest);
      if (tgz === undefined) throw new MissingContentError(`layer ${layer.digest} is not in storage`);
      const details = chartDetails(tgz);
      switch (addition) {
        case 'values.yaml':
          return { contentType: 'text/plain; charset=utf-8', content: Buffer.from(details.files['VALUES.YAML'] ?? '', 'utf8') };
        case 'readme.md':
          return { contentType: 'text/markdown; charset=utf-8', content: Buffer.from(details.files['README.MD'] ?? '', 'utf8') };
        default:
          return json(details.dependencies);
      }
    } catch (err) {
      if (err instanceof MissingContentError) throw notFound(`the ${addition} of ${describeReference(repository.name, ref)} is not available: ${err.message}`);
      if (err instanceof SyntaxError || err instanceof CorruptContentError) {
        throw badRequest(`the ${addition} of ${describeReference(repository.name, ref)} cannot be read from its content: ${(err as Error).message}`);
      }
      throw err;
    }
  }
}

function json(value: unknown): Addition {
  return { contentType: 'application/json; charset=utf-8', content: Buffer.from(JSON.stringify(value), 'utf8') };
}

import { Artifact, ArtifactBlob, ArtifactReference } from './artifact.entity';
import { Blob, RepositoryBlob } from './blob.entity';
import { Project } from './project.entity';
import { Repository } from './repository.entity';
import { Tag } from './tag.entity';
import { Upload } from './upload.entity';

export { Artifact, ArtifactBlob, ArtifactReference, Blob, Project, Repository, RepositoryBlob, Tag, Upload };

export const ENTITIES = [Project, Repository, Blob, RepositoryBlob, Artifact, ArtifactBlob, ArtifactReference, Tag, Upload];

import { useOutletContext } from 'react-router';
import type { Project } from '../../api/types';

/** The project whose page this is (loaded once by ProjectLayout). */
export function useProject(): Project {
  return useOutletContext<Project>();
}

import { exclusive } from "./program";

export const { workspaceUuid, members } = exclusive();

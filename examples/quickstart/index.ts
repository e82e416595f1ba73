import { quickstart } from "./program";

export const { workspaceUuid, members } = quickstart();

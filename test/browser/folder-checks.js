// test/browser/folder-checks.js — ImageFolder.fromFiles with the browser bundle over the folder the test
// picked for #pick. Plain JavaScript; test/browser-folder.test.ts judges against Node's ImageFolder.

import { ImageFolder, transforms, DataLoader } from './convnet.js';

const values = async (t) => Array.from(await t.dataAsync());

/** What the data set made of the picked files: its layout, every image's shape and values, a batch. */
export async function folder() {
  const input = document.getElementById('pick');
  const ds = await ImageFolder.fromFiles(input.files);
  const items = [];
  for (let i = 0; i < ds.length; i++) {
    const [x, y] = ds.getItem(i);
    items.push({ shape: [...x.shape], label: y, values: await values(x) });
  }
  const resized = await ImageFolder.fromFiles(input.files, { transform: new transforms.Resize([3, 3]), extensions: ['.png'] });
  const [bx, by] = [...new DataLoader(resized, { batchSize: 8 })][0];
  let error = null;
  try { await ImageFolder.fromFiles(input.files, { extensions: ['.gif'] }); } catch (e) { error = e.message; }
  return {
    root: ds.root, classes: ds.classes, classToIdx: ds.classToIdx, samples: ds.samples, targets: Array.from(ds.targets),
    items, batch: { shape: [...bx.shape], labels: await values(by) }, pngOnly: resized.length, error,
  };
}

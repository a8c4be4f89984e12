// Reading the app window through WebDriver: elements are found afresh on every read,
// since React may replace a node between two reads.
import { By } from 'selenium-webdriver';

export const byTestId = (id) => By.css(`[data-testid="${id}"]`);

export async function textOf(driver, id) {
  const els = await driver.findElements(byTestId(id));
  return els.length ? els[0].getText() : '';
}

export async function attrOf(driver, id, name) {
  const els = await driver.findElements(byTestId(id));
  return els.length ? els[0].getAttribute(name) : null;
}

/** Waits until the element's text matches, re-reading it on every poll. */
export function waitForText(driver, id, pattern, timeout = 20_000) {
  return driver.wait(async () => pattern.test(await textOf(driver, id)), timeout, `${id} never matched ${pattern}`);
}

export function waitForAttr(driver, id, name, value, timeout = 20_000) {
  return driver.wait(async () => (await attrOf(driver, id, name)) === value, timeout, `${id}[${name}] never became ${value}`);
}

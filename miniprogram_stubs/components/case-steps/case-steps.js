// A case's steps as a vertical line: each state it reached and when (Beijing time), the latest last.
const format = require('../../utils/format');

Component({
  properties: {
    steps: { type: Array, value: [] },
  },
  data: {
    rows: /** @type {any[]} */ ([]),
  },
  observers: {
    steps(steps) {
      const all = steps || [];
      this.setData({
        rows: all.map((/** @type {any} */ step, /** @type {number} */ n) => ({
          key: n,
          label: step.label,
          at: format.dateTime(step.at),
          current: n === all.length - 1,
        })),
      });
    },
  },
  methods: {},
});

// A course: its syllabus and lessons in order, each marked done or not; a lesson opens its material.
const singleView = require('../../behaviors/single-view');
const { get } = require('../../utils/request');

Component({
  behaviors: [singleView],
  data: {
    id: 0,
    course: /** @type {any} */ (null),
    lessons: /** @type {any[]} */ ([]),
    mine: /** @type {any} */ (null),
  },
  methods: {
    /** @param {Record<string, string>} query */
    onLoad(query) {
      this.setData({ id: Number(query.id) });
      return this.reload();
    },

    onShow() {
      if (this.data.status === 'ready') return this.reload();
      return Promise.resolve();
    },

    async fetch() {
      const [course, mine] = await Promise.all([
        get('/materials/library/courses/' + this.data.id, undefined, { quiet: true }),
        get('/materials/my/courses', undefined, { quiet: true }),
      ]);
      const progress = mine.find((/** @type {any} */ c) => c.id === course.id) || { completed_material_ids: [] };
      const done = new Set(progress.completed_material_ids);
      const lessons = course.lessons.map((/** @type {any} */ lesson) =>
        Object.assign({}, lesson, { done: done.has(lesson.material_id) }));
      this.setData({ course, lessons, mine: progress });
    },

    /** @param {any} e */
    onLesson(e) {
      wx.navigateTo({ url: '/pages/learning/material?id=' + e.currentTarget.dataset.id });
    },
  },
});

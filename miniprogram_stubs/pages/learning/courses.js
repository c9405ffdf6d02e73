// 我的学习: the courses the deputy can take (required first, with due dates and what is done) and the
// training classes they are invited to.
const singleView = require('../../behaviors/single-view');
const { get } = require('../../utils/request');

/** @param {any} course */
function courseRow(course) {
  return Object.assign({}, course, {
    doneText: course.completed_at ? '已完成' : `已学 ${course.lessons_done}/${course.lesson_count} 课`,
  });
}

Component({
  behaviors: [singleView],
  data: {
    courses: /** @type {any[]} */ ([]),
    classes: /** @type {any[]} */ ([]),
  },
  methods: {
    onLoad() {
      return this.reload();
    },

    onShow() {
      if (this.data.status === 'ready') return this.reload();
      return Promise.resolve();
    },

    async fetch() {
      const [courses, classes] = await Promise.all([
        get('/materials/my/courses', undefined, { quiet: true }),
        get('/materials/my/classes', undefined, { quiet: true }),
      ]);
      this.setData({ courses: courses.map(courseRow), classes });
      return courses.length + classes.length > 0;
    },

    /** @param {any} e */
    onCourse(e) {
      wx.navigateTo({ url: '/pages/learning/course?id=' + e.currentTarget.dataset.id });
    },

    /** @param {any} e */
    onClass(e) {
      wx.navigateTo({ url: '/pages/learning/class?id=' + e.currentTarget.dataset.id });
    },
  },
});

// reflect on declared types: names, kinds, fields and tags.
package main

import (
	"fmt"
	"reflect"
)

type Config struct {
	Host string `env:"HOST" default:"localhost"`
	Port int    `env:"PORT"`
	tls  bool
}

type Level int

func main() {
	t := reflect.TypeOf(Config{})
	fmt.Println(t.Name(), t.Kind(), t.NumField(), t.String())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		fmt.Println(f.Name, f.Type, f.Tag.Get("env"), f.IsExported())
	}
	v := reflect.ValueOf(Config{"h", 80, true})
	fmt.Println(v.Field(1).Int(), v.FieldByName("Host").String())
	lt := reflect.TypeOf(Level(3))
	fmt.Println(lt.Name(), lt.Kind(), lt.String(), lt.PkgPath())
	fmt.Println(reflect.TypeOf(&Config{}).Elem().Name(), reflect.DeepEqual([]int{1}, []int{1}))
}
